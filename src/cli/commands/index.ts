import type { Command } from 'commander';
import type { CommandContext } from '../context.js';

type RegisterCommand = (program: Command, context: CommandContext) => void;

/** A subcommand: its name and the module that registers it, imported only when it is needed. */
interface CommandModule {
  name: string;
  load: () => Promise<RegisterCommand>;
  /** Runs one short job and exits (see isOneShotCommand). */
  oneShot?: true;
}

// In help order. Each command's module pulls in its stage's dependencies (the server's, the
// evaluation's, the model providers'), so a run loads only the one it was asked for: `ask` does not
// import hono or pdfjs, and starts in a fraction of the time.
const COMMANDS: readonly CommandModule[] = [
  { name: 'ingest', load: async () => (await import('./ingest-command.js')).registerIngest },
  { name: 'retrieve', load: async () => (await import('./retrieve-command.js')).registerRetrieve, oneShot: true },
  { name: 'ask', load: async () => (await import('./ask-command.js')).registerAsk, oneShot: true },
  { name: 'demo', load: async () => (await import('./demo-command.js')).registerDemo, oneShot: true },
  { name: 'tool', load: async () => (await import('./tool-command.js')).registerTool },
  { name: 'models', load: async () => (await import('./models-command.js')).registerModels },
  { name: 'router', load: async () => (await import('./router-command.js')).registerRouter },
  { name: 'cache', load: async () => (await import('./cache-command.js')).registerCache },
  { name: 'eval', load: async () => (await import('./eval-command.js')).registerEval },
  { name: 'answerability', load: async () => (await import('./answerability-command.js')).registerAnswerability },
  { name: 'ranker', load: async () => (await import('./ranker-command.js')).registerRanker },
  { name: 'serve', load: async () => (await import('./serve-command.js')).registerServe },
  { name: 'worker', load: async () => (await import('./worker-command.js')).registerWorker },
  { name: 'keys', load: async () => (await import('./keys-command.js')).registerKeys },
  { name: 'monitor', load: async () => (await import('./monitor-command.js')).registerMonitor },
  { name: 'registry', load: async () => (await import('./registry-command.js')).registerRegistry },
  { name: 'mcp', load: async () => (await import('./mcp-command.js')).registerMcp },
];

/** Every subcommand's name, in help order. */
export const COMMAND_NAMES: readonly string[] = COMMANDS.map((command) => command.name);

/**
 * Whether the named subcommand runs one short job and exits (`ask`, `retrieve`, `demo`), so that a
 * process running it gains nothing from work that pays off over a long run (see runCli).
 */
export function isOneShotCommand(name: string | undefined): boolean {
  return COMMANDS.some((command) => command.name === name && command.oneShot === true);
}

/**
 * The subcommand argv names: its first word that is neither an option nor the value of a global
 * option that takes one (`valueOptions`, e.g. `--config <file>`). Undefined when there is none.
 */
export function commandNameOf(argv: readonly string[], valueOptions: ReadonlySet<string> = new Set()): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--') return argv[i + 1];
    if (!arg.startsWith('-')) return arg;
    if (valueOptions.has(arg)) i += 1;
  }
  return undefined;
}

/**
 * Registers the subcommand `argv` names, or every subcommand when it names none of them (help, a
 * typo: commander then lists them all or says which is unknown). `setExit` lets a command report a
 * non-zero exit without throwing.
 */
export async function registerCommands(
  program: Command,
  context: CommandContext,
  setExit: (code: number) => void,
  argv?: readonly string[],
  valueOptions?: ReadonlySet<string>,
): Promise<void> {
  const name = argv ? commandNameOf(argv, valueOptions) : undefined;
  const named = COMMANDS.filter((command) => command.name === name);
  const registers = await Promise.all((named.length > 0 ? named : COMMANDS).map((command) => command.load()));
  for (const register of registers) register(program, { ...context, setExit });
}
