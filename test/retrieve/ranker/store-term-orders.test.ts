import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/output.js';
import { migrate } from '../../../src/db/migrate.js';
import { openDb } from '../../../src/db/open-db.js';
import type { Db } from '../../../src/db/types.js';
import { runIngest } from '../../../src/ingest/pipeline.js';
import { loadStoredTerms, storedTermList } from '../../../src/retrieve/ranker/stored-terms.js';
import { storeTermOrders } from '../../../src/retrieve/ranker/store-term-orders.js';
import { createEnglishAnalyzer } from '../../../src/search-index/analyzer.js';
import { driverCases } from '../../helpers/db-drivers.js';
import { doc, wholeDocumentChunker } from '../../helpers/whole-document-chunker.js';

const analyzer = createEnglishAnalyzer();

describe.each(await driverCases('store_term_orders'))('storeTermOrders ($name)', ({ open }) => {
  let db: Db;
  beforeAll(async () => {
    db = await open();
    await migrate(db);
    const ingest = (tenant: string, prefix: string) =>
      runIngest(
        Array.from({ length: 7 }, (_, i) => ({ document: doc(`${prefix}-${i}`, `Vitamin D ${i} raises bone density; the cohort's ${'trial '.repeat(i)}results.`, { title: `Report ${i}` }) })),
        { db, tenant, chunker: wholeDocumentChunker('paragraph'), analyzer, configFingerprint: {}, titleWeight: 1 },
      );
    await ingest('a', 'a');
    await ingest('b', 'b');
  });
  afterAll(async () => db?.close());

  it('gives chunks without an order the one ingest would have stored, tenant by tenant, and skips a chunk whose terms disagree with its index', async () => {
    const { rows } = await db.query<{ id: number; tenant: string; text: string }>('SELECT id, tenant, text FROM chunks ORDER BY id');
    const ingested = new Map([...(await loadStoredTerms(db, 'a', rows.map((r) => Number(r.id)))), ...(await loadStoredTerms(db, 'b', rows.map((r) => Number(r.id))))]);
    expect(ingested.size).toBe(rows.length);
    await db.query('UPDATE chunks SET term_order = NULL');
    // One chunk's indexed terms no longer hold all its text's terms (as after an analyzer change).
    const odd = Number(rows.find((r) => r.tenant === 'a')!.id);
    await db.query("UPDATE chunks SET terms = array_remove(terms, 'vitamin') WHERE id = $1", [odd]);

    const progress: Array<[number, number]> = [];
    const a = await storeTermOrders(db, analyzer, { tenant: 'a', batch: 3, onProgress: (done, total) => progress.push([done, total]) });
    expect(a).toEqual({ stored: 6, skipped: 1 });
    expect(progress[0]).toEqual([0, 7]);
    expect(progress.at(-1)).toEqual([7, 7]);
    const { rows: [left] } = await db.query<{ a: number; b: number }>("SELECT count(*) FILTER (WHERE tenant = 'a' AND term_order IS NULL)::int AS a, count(*) FILTER (WHERE tenant = 'b' AND term_order IS NULL)::int AS b FROM chunks");
    expect(left).toEqual({ a: 1, b: 7 });

    expect(await storeTermOrders(db, analyzer)).toEqual({ stored: 7, skipped: 1 });
    const after = new Map([...(await loadStoredTerms(db, 'a', rows.map((r) => Number(r.id)))), ...(await loadStoredTerms(db, 'b', rows.map((r) => Number(r.id))))]);
    expect(after.has(odd)).toBe(false);
    for (const row of rows) {
      if (Number(row.id) === odd) continue;
      expect(after.get(Number(row.id))).toEqual(ingested.get(Number(row.id)));
      expect(storedTermList(after.get(Number(row.id))!)).toEqual(analyzer.terms(row.text));
    }
    await expect(storeTermOrders(db, analyzer, { batch: 0 })).rejects.toThrow(/batch/);
  });
});

describe('groundwork ranker store-terms', { timeout: 120_000 }, () => {
  it('stores the orders an older index lacks, with a JSON report and a human one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-store-terms-'));
    const env = { GROUNDWORK_DATA_DIR: join(dir, 'data'), PATH: process.env.PATH };
    const run = async (argv: string[]) => {
      const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) } satisfies CliIo & { out: string; err: string };
      const code = await main(argv, io, env);
      if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${io.err}`);
      return io;
    };
    mkdirSync(join(dir, 'docs'));
    writeFileSync(join(dir, 'docs', 'one.md'), '# Bones\n\nVitamin D raises bone density.\n');
    writeFileSync(join(dir, 'docs', 'two.md'), '# Cats\n\nCats sleep most of the day.\n');
    await run(['ingest', join(dir, 'docs'), '--tenant', 'old', '--json']);
    const db = await openDb({ dataDir: join(dir, 'data') });
    await db.query('UPDATE chunks SET term_order = NULL');
    await db.close();
    expect(JSON.parse((await run(['ranker', 'store-terms', '--tenant', 'old', '--json'])).out)).toEqual({ tenant: 'old', stored: 2, skipped: 0 });
    expect((await run(['ranker', 'store-terms'])).out).toMatch(/^stored the term order of 0 chunks\n$/);
  });
});
