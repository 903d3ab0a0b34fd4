import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openPgDb } from '../../src/db/pg-driver.js';
import type { Db } from '../../src/db/types.js';
import { runIngest } from '../../src/ingest/pipeline.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { freshTestDatabase, postgresReachable } from '../helpers/postgres.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

// Two ingest workers updating documents that were first written in the same batch rewrite the
// same posting-block rows (shared terms, shared blocks). Both must finish with every document
// written (no deadlock victims) and the blocks consistent.
const analyzer = createEnglishAnalyzer();
const words = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta', 'lambda', 'zeta'];
const text = (i: number, version: number) => Array.from({ length: 40 }, (_, w) => `${words[(i * 7 + w * 3 + version) % words.length]}${w % 5}`).join(' ');
const reachable = await postgresReachable();

describe.skipIf(!reachable)('concurrent updates of documents sharing posting blocks (PostgreSQL)', () => {
  let url: string;
  let left: Db;
  let right: Db;
  beforeAll(async () => {
    url = await freshTestDatabase(`concurrent_updates_${process.pid}`);
    left = await openPgDb({ connectionString: url });
    right = await openPgDb({ connectionString: url });
    await migrate(left);
    const first = Array.from({ length: 200 }, (_, i) => doc(`d${i}`, text(i, 0)));
    await runIngest(first.map((document) => ({ document })), { db: left, tenant: 't', chunker: wholeDocumentChunker(), analyzer, configFingerprint: {}, titleWeight: 0, batchDocuments: 200 });
  });
  afterAll(async () => {
    await left?.close();
    await right?.close();
  });

  it('both finish, every document updated, blocks consistent', async () => {
    const ingest = (db: Db, parity: number) =>
      runIngest(
        Array.from({ length: 200 }, (_, i) => i)
          .filter((i) => i % 2 === parity)
          .map((i) => ({ document: doc(`d${i}`, text(i, 1)) })),
        { db, tenant: 't', chunker: wholeDocumentChunker(), analyzer, configFingerprint: {}, titleWeight: 0, batchDocuments: 10 },
      );
    const [a, b] = await Promise.all([ingest(left, 0), ingest(right, 1)]);
    expect(a.skipped).toEqual([]);
    expect(b.skipped).toEqual([]);
    expect(a.documents.updated + b.documents.updated).toBe(200);
    const bad = await left.query<{ n: number }>('SELECT count(*)::int AS n FROM posting_blocks WHERE n <> cardinality(chunk_ids) OR n = 0');
    expect(bad.rows[0].n).toBe(0);
    // Document frequencies from the blocks equal a recount from the chunks' own term lists.
    const mismatched = await left.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM
         (SELECT term, sum(n) AS df FROM posting_blocks WHERE tenant = 't' GROUP BY term) b
         FULL JOIN (SELECT t.term, count(*) AS df FROM chunks c CROSS JOIN LATERAL unnest(c.terms) AS t(term) WHERE c.tenant = 't' GROUP BY t.term) c USING (term)
        WHERE b.df IS DISTINCT FROM c.df`,
    );
    expect(mismatched.rows[0].n).toBe(0);
  }, 120_000);
});
