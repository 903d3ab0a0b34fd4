import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openPgDb } from '../../src/db/index.js';
import { freshPostgresDatabase } from './helpers.js';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./fixtures/single-flight-worker.ts', import.meta.url));

describe('single-flight across processes sharing PostgreSQL', () => {
  it('two processes asking the same question at once compute the answer once and both serve it', async (context) => {
    const url = await freshPostgresDatabase('gw_cache_sf_test');
    if (!url) return context.skip();
    const db = await openPgDb({ connectionString: url });
    await db.exec('CREATE TABLE sf_computations (process text NOT NULL)');
    await db.close();
    const startAt = String(Date.now() + 2500); // both processes loaded before the start signal
    const outputs = await Promise.all(['p1', 'p2'].map((label) => run(process.execPath, ['--import', 'tsx', worker, url, startAt, label], { timeout: 30_000 })));
    const reports = outputs.map((o) => JSON.parse(o.stdout.trim().split('\n').pop()!) as { label: string; answers: string[]; computed: number });
    const check = await openPgDb({ connectionString: url });
    const computations = (await check.query<{ process: string }>('SELECT process FROM sf_computations')).rows;
    await check.close();
    expect(computations).toHaveLength(1);
    const winner = `computed by ${computations[0].process}`;
    for (const report of reports) expect(report.answers).toEqual([winner, winner, winner, winner]);
    expect(reports.reduce((sum, r) => sum + r.computed, 0)).toBe(1);
  });
});
