import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { classicMlTools, findTool, validateToolInput } from '../../classic-ml/classic-ml-tools.js';
import { readToolExample } from '../../classic-ml/tool-examples.js';
import { DEFAULT_TOOL_MEMORY_MB, DEFAULT_TOOL_TIMEOUT_MS, toolLimits } from '../../classic-ml/tool-limits.js';
import { createToolPool } from '../../classic-ml/tool-pool.js';
import type { ToolProgress } from '../../classic-ml/tool-run-context.js';
import { InputError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { intOption } from '../options.js';
import { printJson, table, type CliIo } from '../output.js';

/** How often the live progress line on a terminal is redrawn. */
const TTY_PROGRESS_INTERVAL_MS = 500;
/** Without a terminal (logs, CI), one progress line this often, so short runs print none. */
const LOG_PROGRESS_INTERVAL_MS = 10_000;

/** JSON schemas of a tool's input and output, as `tool list --json` prints them. */
export function toolSchemas(tool: (typeof classicMlTools)[number]): { input: unknown; output: unknown } {
  return {
    input: z.toJSONSchema(tool.inputSchema, { io: 'input', unrepresentable: 'any' }),
    output: z.toJSONSchema(tool.outputSchema, { io: 'output', unrepresentable: 'any' }),
  };
}

/** Reads a tool's JSON input from a file or stdin (`-`). */
function readInput(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    throw new InputError('--input', `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError('--input', `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * Reports a run's progress on stderr until the returned stop is called: a live line (elapsed
 * seconds, and trees built when the tool reports them) on a terminal, a plain line every
 * LOG_PROGRESS_INTERVAL_MS otherwise.
 */
function progressReporter(io: CliIo, name: string): { onProgress: (progress: ToolProgress) => void; stop: () => void } {
  const started = Date.now();
  let latest: ToolProgress | undefined;
  const line = (): string => `${name}: ${((Date.now() - started) / 1000).toFixed(1)} s${latest ? `, ${latest.done}/${latest.total} ${latest.unit}` : ''}`;
  const timer = setInterval(() => io.stderr(io.isTty ? `\r${line()}\x1b[K` : `${line()}\n`), io.isTty ? TTY_PROGRESS_INTERVAL_MS : LOG_PROGRESS_INTERVAL_MS);
  return {
    onProgress: (progress) => (latest = progress),
    stop: () => {
      clearInterval(timer);
      if (io.isTty && Date.now() - started >= TTY_PROGRESS_INTERVAL_MS) io.stderr('\r\x1b[K');
    },
  };
}

/**
 * Runs a tool on raw input in a one-worker pool: caps checked here first, then the run off this
 * thread with a wall-time and heap limit, progress on stderr.
 */
async function runToolInWorker(io: CliIo, name: string, input: unknown, limits: { timeoutMs: number; memoryMb: number }): Promise<unknown> {
  const tool = findTool(name);
  validateToolInput(tool, input);
  const pool = createToolPool({ workers: 1, queueLimit: 0, ...limits });
  const progress = progressReporter(io, name);
  try {
    return await pool.run(tool, input, { onProgress: progress.onProgress });
  } finally {
    progress.stop();
    await pool.close();
  }
}

/** `groundwork tool list | tool <name> --input FILE|- | tool <name> --example`: the classical-ML tools. */
export function registerTool(program: Command, context: CommandContext): void {
  program
    .command('tool')
    .description('classical-ML tools: `tool list`, `tool <name> --example` (a sample input), or `tool <name> --input FILE|-`')
    .argument('<name>', 'tool name, or "list"')
    .option('--input <file>', 'JSON input file, or - for stdin')
    .option('--example', "print the tool's sample input (save it, edit it, pass it to --input)")
    .option('--timeout-ms <n>', `stop the run after this long (default ${DEFAULT_TOOL_TIMEOUT_MS})`, intOption('--timeout-ms', 1, 86_400_000))
    .option('--memory-mb <n>', `heap limit of the run in MiB (default ${DEFAULT_TOOL_MEMORY_MB})`, intOption('--memory-mb', 16, 65_536))
    .option('--json', 'print one JSON document')
    .action(async (name: string, flags) => {
      const { io } = context;
      if (name === 'list') {
        if (flags.json) printJson(io, { tools: classicMlTools.map((t) => ({ name: t.name, description: t.description, limits: toolLimits(t), ...toolSchemas(t) })) });
        else io.stdout(table(classicMlTools.map((t) => ({ name: t.name, description: t.description }))));
        return;
      }
      const tool = findTool(name);
      if (flags.example) {
        io.stdout(readToolExample(tool.name));
        return;
      }
      if (!flags.input) throw new InputError('--input', `tool ${name} needs --input FILE (or - for stdin); \`groundwork tool ${name} --example\` prints a sample, \`groundwork tool list --json\` its schema`);
      const output = await runToolInWorker(io, tool.name, readInput(flags.input), {
        timeoutMs: flags.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS,
        memoryMb: flags.memoryMb ?? DEFAULT_TOOL_MEMORY_MB,
      });
      if (flags.json) printJson(io, output);
      else io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    });
}
