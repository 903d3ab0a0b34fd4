import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import type { SourceItem } from '../../src/ingest/pipeline.js';
import type { LoadedDocument } from '../../src/ingest/types.js';
import { doc } from '../helpers/whole-document-chunker.js';

/** Markdown documents; `version` changes every document whose index is not a multiple of 3. */
function corpus(version: number, count = 12): LoadedDocument[] {
  return Array.from({ length: count }, (_, i) => {
    const edition = i % 3 === 0 ? 0 : version;
    const body = Array.from({ length: 30 }, (_, s) => `Sentence ${s} of note ${i} (edition ${edition}) about foxes, budgets and leave.`).join(' ');
    return doc(`note-${String(i).padStart(2, '0')}.md`, `# Note ${i}\n\n${body}\n\n## More\n\n${body}`, { title: `Note ${i}`, format: 'markdown' });
  });
}

/** What an ingest stored, without generated ids. */
async function stored(gw: Groundwork) {
  const chunks = await gw.db.query(
    `SELECT d.external_id, d.version, c.ordinal, c.text, c.term_count, c.terms FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.tenant = 't' ORDER BY d.external_id, c.ordinal`,
  );
  const postings = await gw.db.query(
    `SELECT p.term, d.external_id, c.ordinal, u.tf, u.dl
       FROM posting_blocks p CROSS JOIN LATERAL unnest(p.chunk_ids, p.tfs, p.dls) AS u(chunk_id, tf, dl)
       JOIN chunks c ON c.id = u.chunk_id JOIN documents d ON d.id = c.document_id
      WHERE p.tenant = 't' ORDER BY p.term, d.external_id, c.ordinal`,
  );
  return { chunks: chunks.rows, postings: postings.rows };
}

// With workers, a batch is chunked while its unchanged-check waits for the write in flight, once
// the batch before was mostly new or changed; unchanged documents' results are then dropped.
describe.each([
  { batchDocuments: 3, count: 12 },
  // Batches of more than CHUNK_AHEAD_DOCUMENTS (32): jobs go to the workers while a batch is read.
  { batchDocuments: 80, count: 240 },
])('chunking ahead of the unchanged-check, on worker threads, batches of $batchDocuments', ({ batchDocuments, count }) => {
  const runs: Record<'inThread' | 'workers', Groundwork> = {} as never;
  beforeAll(async () => {
    for (const [name, prepareWorkers] of [['inThread', 0], ['workers', 1]] as const) {
      runs[name] = await createGroundwork({
        config: { dataDir: 'memory://', tenant: 't', models: { embedder: { provider: 'none' } }, cache: { enabled: false }, ingest: { chunkSize: 64, chunkOverlap: 8, prepareWorkers, batchDocuments } },
        useEnvironment: false,
      });
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(runs).map((gw) => gw.close()));
  });
  // A source that takes its time, as files do: the workers are up before the later batches are read.
  async function* slowly(documents: LoadedDocument[]): AsyncGenerator<SourceItem> {
    for (const document of documents) {
      await new Promise((resolve) => setTimeout(resolve, 2));
      yield { document };
    }
  }
  const ingest = (gw: Groundwork, documents: LoadedDocument[]) => gw.ingest(slowly(documents));

  it('stores what chunking in-thread stores when batches mix changed and unchanged documents', async () => {
    for (const version of [1, 2]) {
      const [inThread, workers] = [await ingest(runs.inThread, corpus(version, count)), await ingest(runs.workers, corpus(version, count))];
      expect(workers.documents).toEqual(inThread.documents);
      expect(workers.chunks).toBe(inThread.chunks);
      expect(workers.prepare).toEqual({ mode: 'workers', workers: 1 });
      // The second run: two of each batch's three documents changed, the third skipped unchanged.
      if (version === 2) expect(workers.documents).toMatchObject({ added: 0, updated: (count * 2) / 3, unchanged: count / 3, skipped: 0 });
    }
    const expected = await stored(runs.inThread);
    expect(expected.postings.length).toBeGreaterThan(500);
    expect(await stored(runs.workers)).toEqual(expected);
    const unchanged = await ingest(runs.workers, corpus(2, count));
    expect(unchanged.documents).toMatchObject({ unchanged: count, added: 0, updated: 0 });
    expect(unchanged.prepare).toEqual({ mode: 'in-thread', reason: 'no document needed chunking' });
  }, 60_000);
});
