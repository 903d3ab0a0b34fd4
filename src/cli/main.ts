#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { GroundworkError } from '../errors.js';
import { createContext, type GlobalFlags } from './context.js';
import { errorJson, printJson, processIo, UsageError, type CliIo } from './output.js';
import { registerCommands } from './commands/index.js';

/** Exit codes of the command-line contract. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * Runs the groundwork CLI with argv (without node and script). Returns the exit code; never calls
 * process.exit, so tests can run it in-process.
 */
export async function main(argv: string[], io: CliIo = processIo(), env: Record<string, string | undefined> = process.env): Promise<number> {
  const program = new Command('groundwork');
  let code = EXIT_OK;
  const wantsJson = argv.includes('--json');
  const verbose = argv.includes('--verbose');
  program
    .description('Grounded question answering over your own documents')
    .option('--config <file>', 'config file (default ./groundwork.config.json, or GROUNDWORK_CONFIG)')
    .option('--verbose', 'stack traces on errors')
    .exitOverride()
    .showHelpAfterError(false)
    .configureOutput({ writeOut: (s) => io.stderr(s), writeErr: (s) => io.stderr(s), outputError: (s, write) => write(s) });
  const context = createContext(io, env, () => program.opts<GlobalFlags>());
  registerCommands(program, context, (exitCode) => {
    code = exitCode;
  });
  // Subcommands inherit the overrides so usage errors throw instead of exiting.
  const override = (cmd: Command): void => {
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.stderr(s), writeErr: (s) => io.stderr(s) });
    cmd.commands.forEach(override);
  };
  program.commands.forEach(override);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT_OK;
      if (wantsJson) printJson(io, { error: { code: 'USAGE', message: error.message.replace(/^error: /, '') } });
      return EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      if (wantsJson) printJson(io, errorJson(error));
      io.stderr(`error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (wantsJson) printJson(io, errorJson(error));
    if (error instanceof GroundworkError) io.stderr(`error: ${error.message}\n`);
    else io.stderr(`error: ${(error as Error)?.message ?? String(error)}\n`);
    if (verbose && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT_FAILURE;
  }
}

const invokedDirectly = process.argv[1] && /(?:^|[\\/])main\.(?:ts|js)$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
