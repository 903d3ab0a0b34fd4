import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { createGroundwork } from '../../src/groundwork.js';

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}
const env = (dataDir: string, extra: Record<string, string> = {}) => ({ GROUNDWORK_DATA_DIR: dataDir, PATH: process.env.PATH, ...extra });

describe('groundwork ingest: input errors (issue #17)', () => {
  it('a path that does not exist is exit 1 naming it (and the error JSON with --json), not a skip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-missing-'));
    const missing = join(dir, 'docs');
    const io = capture();
    expect(await main(['ingest', missing], io, env('memory://'))).toBe(1);
    expect(io.err).toBe(`error: path: ${missing} does not exist\n`);
    expect(io.out).toBe('');
    const json = capture();
    expect(await main(['ingest', missing, '--json'], json, env('memory://'))).toBe(1);
    expect(JSON.parse(json.out)).toEqual({ error: { code: 'INPUT', message: `path: ${missing} does not exist`, details: { field: 'path', reason: `${missing} does not exist`, path: missing } } });
  });

  it('the library throws the same InputError, naming the path', async () => {
    const gw = await createGroundwork({ config: { dataDir: 'memory://' }, useEnvironment: false });
    try {
      await expect(gw.ingest(['/nonexistent/groundwork-docs'])).rejects.toMatchObject({ code: 'INPUT', message: 'path: /nonexistent/groundwork-docs does not exist' });
    } finally {
      await gw.close();
    }
  });

  it('a folder of unsupported files still reports them as skipped, exit 0; progress numbers are labelled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-unsupported-'));
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'data.bin'), 'nothing reads this');
    writeFileSync(join(docs, 'a.md'), '# A\n\nSome text about alpha.\n');
    const io = capture();
    expect(await main(['ingest', docs], io, env(join(dir, 'data')))).toBe(0);
    expect(io.out).toContain(`skipped ${join(docs, 'data.bin')}: unsupported: no loader for this file type\n`);
    // Non-terminal progress: every number says what it counts.
    expect(io.err).toMatch(/^ingest: 1 documents, \d[\d,]* chunks, \d[\d,]* tokens, [\d.]+ MB\/s$/m);
  });
});

describe('one tenant-name rule everywhere (issue #17)', () => {
  const bad = 'bad tenant!';

  it('every CLI --tenant refuses a bad name as usage (exit 2), naming the value and the rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-tenant-'));
    writeFileSync(join(dir, 'a.md'), '# A\n\nText.\n');
    const commands = [
      ['ingest', dir],
      ['ask', 'question'],
      ['retrieve', 'query'],
      ['eval', 'run', '--golden', join(dir, 'g.jsonl')],
      ['eval', 'list'],
      ['keys', 'create'],
      ['keys', 'list'],
      ['cache', 'clear'],
    ];
    for (const command of commands) {
      const io = capture();
      expect(await main([...command, '--tenant', bad, '--json'], io, env('memory://')), command.join(' ')).toBe(2);
      expect(JSON.parse(io.out).error.message).toBe(`--tenant must be 1 to 64 letters, digits, "_", "." or "-", got "${bad}"`);
    }
  });

  it('a bad configured tenant fails at start naming the key, the value and the rule', async () => {
    const io = capture();
    expect(await main(['retrieve', 'x', '--json'], io, env('memory://', { GROUNDWORK_TENANT: bad }))).toBe(1);
    expect(JSON.parse(io.out).error).toMatchObject({ code: 'CONFIG', message: `config tenant: got "${bad}", expected a tenant name: 1 to 64 letters, digits, "_", "." or "-"` });
  });

  it('the library entry points refuse it with an InputError', async () => {
    const gw = await createGroundwork({ config: { dataDir: 'memory://' }, useEnvironment: false });
    try {
      const expected = { code: 'INPUT', message: `tenant: "${bad}" is not a valid tenant name: use 1 to 64 letters, digits, "_", "." or "-"` };
      await expect(gw.ingest([{ document: { externalId: 'a', source: 'a', title: 'A', text: 'a', format: 'text', metadata: {} } }], { tenant: bad })).rejects.toMatchObject(expected);
      await expect(gw.ask({ question: 'q', tenant: bad })).rejects.toMatchObject(expected);
      await expect(gw.retrieve({ query: 'q', tenant: bad })).rejects.toMatchObject(expected);
      const stream = gw.askStream({ question: 'q', tenant: bad });
      await expect(stream.next()).rejects.toMatchObject(expected);
    } finally {
      await gw.close();
    }
  });
});
