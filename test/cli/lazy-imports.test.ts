import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandNameOf, COMMAND_NAMES, isOneShotCommand } from '../../src/cli/commands/index.js';
import { main } from '../../src/cli/main.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RECORDER = fileURLToPath(new URL('./fixtures/record-imports.mjs', import.meta.url));

/** Packages the embedded default's `ask` and `retrieve` never need: providers, server, loaders. */
const NOT_FOR_ASK = ['openai', '@anthropic-ai/sdk', '@langchain/core', '@langchain/openai', 'cohere-ai', '@huggingface/transformers', 'onnxruntime-node', 'hono', '@hono/node-server', 'pdfjs-dist', 'mammoth', 'ioredis', 'pg', 'prom-client'];

/** Runs the CLI from sources; the packages (node_modules/<name>) its process resolved, and its exit code. */
async function packagesLoadedBy(args: string[], dataDir: string): Promise<{ code: number | null; packages: Set<string>; stderr: string }> {
  const record = join(dataDir, '..', `imports-${args[0]}.txt`);
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', RECORDER, 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, GROUNDWORK_DATA_DIR: dataDir, RECORD_IMPORTS: record },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  const packages = new Set<string>();
  for (const url of readFileSync(record, 'utf8').split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match) packages.add(match[1]);
  }
  return { code, packages, stderr };
}

describe('the CLI imports what the command needs', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'gw-lazy-imports-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('`ask` and `retrieve` on the embedded default load PGlite, and no provider SDK, server or document loader', async () => {
    const dataDir = join(root, 'data');
    for (const args of [['ask', 'What is the travel budget?'], ['retrieve', 'travel budget']]) {
      const { code, packages, stderr } = await packagesLoadedBy(args, dataDir);
      expect(code, stderr).toBe(0);
      expect(packages.has('@electric-sql/pglite')).toBe(true);
      expect(NOT_FOR_ASK.filter((name) => packages.has(name))).toEqual([]);
    }
  });

  it('help still lists every command', async () => {
    let help = '';
    const code = await main(['--help'], { stdout: (s) => (help += s), stderr: (s) => (help += s), isTty: false }, {});
    expect(code).toBe(0);
    for (const name of COMMAND_NAMES) expect(help).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
  });
});

describe('commandNameOf', () => {
  it('skips options, and the values of options that take one', () => {
    expect(commandNameOf(['ask', 'what?'])).toBe('ask');
    expect(commandNameOf(['--verbose', 'retrieve', 'q'])).toBe('retrieve');
    expect(commandNameOf(['--config', 'ask.json', 'demo'], new Set(['--config']))).toBe('demo');
    expect(commandNameOf(['--config=x.json', 'demo'])).toBe('demo');
    expect(commandNameOf(['--help'])).toBeUndefined();
  });
});

describe('isOneShotCommand', () => {
  it('is true for the commands that answer once and exit, false for long runs and for no command', () => {
    expect(['ask', 'retrieve', 'demo'].map(isOneShotCommand)).toEqual([true, true, true]);
    expect(['ingest', 'serve', 'worker', 'eval', 'nonsense'].map(isOneShotCommand)).toEqual([false, false, false, false, false]);
    expect(isOneShotCommand(undefined)).toBe(false);
  });
});
