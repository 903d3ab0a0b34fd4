import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { classicMlTools, findTool, runTool } from '../../classic-ml/classic-ml-tools.js';
import { InputError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { printJson, table } from '../output.js';

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

/** `groundwork tool list | tool <name> --input FILE|-`: the classical-ML tools. */
export function registerTool(program: Command, context: CommandContext): void {
  program
    .command('tool')
    .description('classical-ML tools: `tool list`, or `tool <name> --input FILE|-`')
    .argument('<name>', 'tool name, or "list"')
    .option('--input <file>', 'JSON input file, or - for stdin')
    .option('--json', 'print one JSON document')
    .action(async (name: string, flags) => {
      const { io } = context;
      if (name === 'list') {
        if (flags.json) printJson(io, { tools: classicMlTools.map((t) => ({ name: t.name, description: t.description, ...toolSchemas(t) })) });
        else io.stdout(table(classicMlTools.map((t) => ({ name: t.name, description: t.description }))));
        return;
      }
      const tool = findTool(name);
      if (!flags.input) throw new InputError('--input', `tool ${name} needs --input FILE (or - for stdin); see \`groundwork tool list --json\` for its schema`);
      const output = await runTool(tool, readInput(flags.input));
      if (flags.json) printJson(io, output);
      else io.stdout(`${JSON.stringify(output, null, 2)}\n`);
    });
}
