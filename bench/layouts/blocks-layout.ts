/**
 * The block layout of migrations/0006 (posting_blocks: one row per tenant, term, write batch with
 * parallel arrays), queried with src/retrieve/sparse-leg.ts's sparseSearch.
 *
 * The benchmark ingests the corpus with runIngest into public.posting_blocks (what queries read).
 * For a write time comparable with the other layouts (postings only, same batches, one writer),
 * the same postings are also written with writePostingBlocks into a copy of the table in its own
 * schema, through a connection whose search_path puts that schema first.
 */
import { BLOCK_CHUNKS, writePostingBlocks } from '../../src/search-index/posting-blocks.js';
import { packAnalysis } from '../../src/search-index/document-analysis.js';
import { openPgDb } from '../../src/db/pg-driver.js';
import type { Db, Queryable } from '../../src/db/types.js';
import { sparseSearch, type SparsePlan } from '../../src/retrieve/sparse-leg.js';
import type { AnalyzedChunk } from './corpus.js';
import { K1, B, TENANT, type PostingLayout, type Ranked } from './layout.js';

const COPY_SCHEMA = 'layout_blocks_copy';

/** sparseSearch over public.posting_blocks, pruned (MaxScore) or exhaustive; onPlan sees what the pruning did. */
export function blocksSearch(prune: boolean, onPlan?: (plan: SparsePlan) => void): PostingLayout['search'] {
  return async (db: Db, terms: Map<string, number>, limit: number): Promise<Ranked[]> => {
    const { results, plan } = await sparseSearch(db, { tenant: TENANT, terms, k1: K1, b: B, limit, prune });
    onPlan?.(plan);
    return results.map((r) => ({ chunkId: r.chunkId, score: r.score }));
  };
}

/** The block layout; `databaseUrl` opens the writer connection for the schema copy. */
export function createBlocksLayout(databaseUrl: string): PostingLayout & { close(): Promise<void> } {
  let writer: Db | undefined;
  let blockId = 0;
  return {
    name: 'blocks',
    tables: [`${COPY_SCHEMA}.posting_blocks`],
    async create(db: Db) {
      await db.exec(`CREATE SCHEMA ${COPY_SCHEMA}; CREATE TABLE ${COPY_SCHEMA}.posting_blocks (LIKE public.posting_blocks INCLUDING ALL);`);
      const url = new URL(databaseUrl);
      url.searchParams.set('options', `-c search_path=${COPY_SCHEMA},public`);
      writer = await openPgDb({ connectionString: url.toString(), max: 1 });
    },
    async writeBatch(_db: Db, chunks: AnalyzedChunk[]) {
      // Blocks of at most BLOCK_CHUNKS chunks, as the ingest writer makes them.
      const first = blockId + 1;
      const analysis = packAnalysis(chunks.map((c) => ({ frequencies: new Map(c.terms.map((t, j) => [t, c.tfs[j]])), termCount: c.length })));
      const entries = chunks.map((c, i) => ({ chunkId: c.chunkId, blockId: first + Math.floor(i / BLOCK_CHUNKS), analysis, chunk: i }));
      blockId = first + Math.floor((chunks.length - 1) / BLOCK_CHUNKS);
      await writer!.transaction((tx) => writePostingBlocks(tx, TENANT, entries));
    },
    async finish(db: Db) {
      await db.exec(`VACUUM (ANALYZE) ${COPY_SCHEMA}.posting_blocks`);
    },
    search: blocksSearch(true),
    async close() {
      await writer?.close();
    },
  };
}
