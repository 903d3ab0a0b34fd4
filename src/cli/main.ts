#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';
import { Command, CommanderError } from 'commander';
import { GroundworkError } from '../errors.js';
import { createContext, type GlobalFlags } from './context.js';
import { errorJson, printJson, processIo, UsageError, type CliIo } from './output.js';
import { commandNameOf, isOneShotCommand, registerCommands } from './commands/index.js';
import { startTracing, type Tracing } from '../monitor/tracing/start-tracing.js';
import { withSpan } from '../monitor/tracing/with-span.js';
import { newRequestId } from '../app/request-id.js';

/** Global options that take a value: their value is not the subcommand's name. */
const GLOBAL_VALUE_OPTIONS: ReadonlySet<string> = new Set(['--config']);

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
  await registerCommands(
    program,
    context,
    (exitCode) => {
      code = exitCode;
    },
    argv,
    GLOBAL_VALUE_OPTIONS,
  );
  // Subcommands inherit the overrides so usage errors throw instead of exiting.
  const override = (cmd: Command): void => {
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.stderr(s), writeErr: (s) => io.stderr(s) });
    cmd.commands.forEach(override);
  };
  program.commands.forEach(override);
  let tracing: Tracing | undefined;
  try {
    // Traces go out only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the SDK is imported then only);
    // a one-shot command (ask, retrieve, demo) is one trace, and its spans are sent before exit.
    tracing = await startTracing(env, { notice: (message) => io.stderr(`note: ${message}\n`) });
    const name = commandNameOf(argv, GLOBAL_VALUE_OPTIONS);
    const run = () => program.parseAsync(argv, { from: 'user' });
    // Its request id is on every span of the run, and is the answer's (`requestId` of `ask --json`).
    await (tracing && isOneShotCommand(name) ? withSpan(`groundwork ${name}`, { 'groundwork.command': name! }, run, { requestId: newRequestId() }) : run());
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
  } finally {
    // Sends the spans still batched (`serve` returns here after SIGINT/SIGTERM and its drain).
    await tracing?.shutdown();
  }
}

/**
 * Runs the CLI as a process (bin/groundwork.js): sets the exit code, and exits quietly when the
 * reader of stdout or stderr goes away (`groundwork tool list --json | head -c 10`): a closed pipe
 * is the reader's choice, not an error worth a stack trace.
 */
export async function runCli(argv: string[] = process.argv.slice(2)): Promise<void> {
  exitQuietlyOnClosedOutput();
  // A one-shot command exits before V8's optimizing WebAssembly compiler pays off: compiling
  // PGlite's and tiktoken's hot functions a second time cost `ask` ~0.45 s of CPU and ~80 MB of
  // peak RSS (1.2 s and 264 MB against 0.7 s and 182 MB with Liftoff, V8's baseline compiler,
  // alone). Set before anything is compiled; long runs (ingest, serve) keep the optimizing tier.
  if (isOneShotCommand(commandNameOf(argv, GLOBAL_VALUE_OPTIONS))) setFlagsFromString('--liftoff-only');
  process.exitCode = await main(argv);
}

/** EPIPE on stdout or stderr ends the process with the exit code so far (0 unless set). */
export function exitQuietlyOnClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK);
      throw error;
    });
  }
}

const invokedDirectly = process.argv[1] && /(?:^|[\\/])main\.(?:ts|js)$/.test(process.argv[1]);
if (invokedDirectly) void runCli();
