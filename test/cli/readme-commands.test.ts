import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MARKER = '<!-- readme-commands:';

/** The commands of the README's marked block, as argv arrays (`npx groundwork` and comments removed). */
export function readmeCommands(readme: string): string[][] {
  const start = readme.indexOf(MARKER);
  if (start < 0) throw new Error('README has no readme-commands block');
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!block) throw new Error('the readme-commands marker is not followed by a sh block');
  return block[1]
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const words = shellWords(line);
      if (words[0] !== 'npx' || words[1] !== 'groundwork') throw new Error(`README command does not start with npx groundwork: ${line}`);
      return words.slice(2);
    });
}

/** Splits a command line into words: whitespace separates, double quotes group. */
function shellWords(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

const dataDir = mkdtempSync(join(tmpdir(), 'gw-readme-'));
const env = { GROUNDWORK_DATA_DIR: dataDir, PATH: process.env.PATH };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** What the README says each command shows, checked on its output. */
const expectations: Array<{ match: (argv: string[]) => boolean; check: (io: { out: string; err: string }) => void }> = [
  {
    match: (argv) => argv[0] === 'ask' && argv.includes('--json'),
    check: (io) => {
      const doc = JSON.parse(io.out);
      expect(doc.refused).toBe(false);
      expect(doc.citations.length).toBeGreaterThan(0);
    },
  },
  {
    match: (argv) => argv[0] === 'ask',
    check: (io) => {
      expect(io.out).toMatch(/Sources:/);
      expect(io.err).not.toMatch(/refused/);
    },
  },
  { match: (argv) => argv[0] === 'retrieve', check: (io) => expect(io.out).toMatch(/^rank/m) },
  { match: (argv) => argv[0] === 'ingest', check: (io) => expect(io.out + io.err).toMatch(/13 added|13 documents/) },
  { match: (argv) => argv[0] === 'eval', check: (io) => expect(io.out + io.err).toMatch(/EXP-/) },
  { match: (argv) => argv[0] === 'tool', check: (io) => expect(JSON.parse(io.out)).toBeTypeOf('object') },
];

describe('the README quick start, run as printed on a fresh data dir', () => {
  it('npm start (groundwork demo) answers with a citation', async () => {
    const io = capture();
    expect(await main(['demo'], io, env), io.err).toBe(0);
    expect(io.out).toMatch(/per diem of EUR 60/);
  }, 120_000);

  const commands = readmeCommands(readFileSync(join(ROOT, 'README.md'), 'utf8'));
  it('the block has the commands a new user needs', () => {
    expect(commands.map((argv) => argv[0])).toEqual(expect.arrayContaining(['ask', 'retrieve', 'ingest', 'eval', 'tool']));
  });

  for (const argv of commands) {
    it(`groundwork ${argv.join(' ')}`, async () => {
      const io = capture();
      const code = await main(argv, io, env);
      expect(code, `${io.err}\n${io.out}`).toBe(0);
      expectations.find((e) => e.match(argv))?.check(io);
    }, 120_000);
  }

  it('asking the default tenant, which is empty, says so and names the tenant that holds documents', async () => {
    const io = capture();
    expect(await main(['ask', 'How much is the per diem?'], io, env)).toBe(0);
    expect(io.err).toMatch(/tenant "default" holds no documents in .*gw-readme-.*tenants with documents: .*demo \(13\)/);
    const retrieveIo = capture();
    expect(await main(['retrieve', 'per diem', '--json'], retrieveIo, env)).toBe(0);
    expect(JSON.parse(retrieveIo.out).notices.join(' ')).toMatch(/tenant "default" holds no documents/);
  }, 60_000);
});
