import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';

/**
 * The shipped sample input of a tool: `samples/tools/<name>.json` at the package root (two folders
 * up from both src/classic-ml and dist/classic-ml). Each one validates against its tool's input
 * schema (test/classic-ml/tool-examples.test.ts runs every tool on its sample).
 */
export function toolExamplePath(name: string): string {
  return fileURLToPath(new URL(`../../samples/tools/${name}.json`, import.meta.url));
}

/** The sample input of a tool as JSON text; InputError when the tool has none. */
export function readToolExample(name: string): string {
  try {
    return readFileSync(toolExamplePath(name), 'utf8');
  } catch (error) {
    throw new InputError('tool', `no sample input for ${JSON.stringify(name)} (${(error as Error).message})`);
  }
}
