import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

const env = (dataDir: string) => ({ GROUNDWORK_DATA_DIR: dataDir, PATH: process.env.PATH });

describe('groundwork CLI contract', () => {
  it('unknown command and unknown flag -> usage on stderr, exit 2; --json error document', async () => {
    const io = capture();
    expect(await main(['frobnicate'], io, env('memory://'))).toBe(2);
    expect(io.err).toMatch(/unknown command/);
    expect(io.out).toBe('');
    const io2 = capture();
    expect(await main(['retrieve', 'x', '--bogus', '--json'], io2, env('memory://'))).toBe(2);
    expect(JSON.parse(io2.out).error.code).toBe('USAGE');
    const io3 = capture();
    expect(await main(['retrieve', 'x', '--k', 'zero'], io3, env('memory://'))).toBe(2);
    expect(io3.err).toMatch(/--k must be an integer/);
  });

  it('invalid config names the key, exit 1', async () => {
    const io = capture();
    expect(await main(['retrieve', 'x', '--json'], io, { GROUNDWORK_DATA_DIR: 'memory://', GROUNDWORK_BM25_B: '7' })).toBe(1);
    const doc = JSON.parse(io.out);
    expect(doc.error.code).toBe('CONFIG');
    expect(doc.error.message).toMatch(/retrieve\.b: got 7/);
  });

  it('unreachable database -> names host and cause, exit 1, no stack trace', async () => {
    const io = capture();
    expect(await main(['retrieve', 'x'], io, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' })).toBe(1);
    expect(io.err).toMatch(/cannot connect to PostgreSQL at 127\.0\.0\.1:1\/none: .*ECONNREFUSED/);
    expect(io.err).not.toMatch(/\n\s+at /);
  });

  it('ingest, retrieve and ask with --json print exactly one JSON document', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-cli-'));
    const docs = join(dir, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'leave.md'), '# Leave policy\n\nEmployees get 30 days of paid leave per year.\n\nUnused leave expires in March.\n');
    const data = join(dir, 'data');
    const io = capture();
    expect(await main(['ingest', docs, '--json'], io, env(data))).toBe(0);
    const summary = JSON.parse(io.out);
    expect(summary.documents).toEqual({ added: 1, updated: 0, unchanged: 0, deleted: 0, skipped: 0 });
    expect(summary).toHaveProperty('durationMs');
    const again = capture();
    expect(await main(['ingest', docs, '--json'], again, env(data))).toBe(0);
    expect(JSON.parse(again.out).documents.unchanged).toBe(1);
    const ask = capture();
    expect(await main(['ask', 'How many days of paid leave?', '--json'], ask, env(data))).toBe(0);
    const answer = JSON.parse(ask.out);
    expect(answer.refused).toBe(false);
    expect(answer.answer).toMatch(/30 days/);
    expect(answer.citations[0].title).toBe('Leave policy');
    const none = capture();
    expect(await main(['ask', 'What is the parking fee for helicopters?', '--json'], none, env(data))).toBe(0);
    expect(JSON.parse(none.out).refused).toBe(true);
  });

  it('a second process opening the same PGlite data dir gets a clear error naming the holder', async () => {
    const data = mkdtempSync(join(tmpdir(), 'gw-lock-'));
    const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { openPgliteDb } = await import('./src/db/pglite-driver.ts');
      const db = await openPgliteDb({ dataDir: ${JSON.stringify(data)} });
      console.log('ready');
      setTimeout(async () => { await db.close(); }, 60000);
    `], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d) => String(d).includes('ready') && resolve());
        holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
      });
      const io = capture();
      expect(await main(['retrieve', 'anything'], io, env(data))).toBe(1);
      expect(io.err).toMatch(new RegExp(`in use by process ${holder.pid}.*DATABASE_URL`));
    } finally {
      holder.kill();
    }
  });

  it('refuses a data dir that is not a groundwork database', async () => {
    const data = mkdtempSync(join(tmpdir(), 'gw-foreign-'));
    writeFileSync(join(data, 'precious.txt'), 'do not overwrite');
    const io = capture();
    expect(await main(['retrieve', 'x'], io, env(data))).toBe(1);
    expect(io.err).toMatch(/is not a groundwork data directory .* refusing to overwrite/);
  });
});
