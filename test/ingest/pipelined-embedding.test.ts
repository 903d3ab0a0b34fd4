/**
 * Ingest with embeddings as a pipeline: the embedder runs beside reading, chunking and writing,
 * every chunk gets its own text's vector, and a failing embedding call fails the run without
 * writing that batch or any after it (what was committed before stays, the rest keeps its
 * previous version).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { runIngest, type SourceItem } from '../../src/ingest/pipeline.js';
import type { LoadedDocument } from '../../src/ingest/types.js';
import type { Embedder } from '../../src/models/types.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { driverCases } from '../helpers/db-drivers.js';
import { hashedEmbedder } from '../helpers/hashed-embedder.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

const analyzer = createEnglishAnalyzer();
const cases = await driverCases('pipelined_embedding');
const BATCH_DOCUMENTS = 2;
/** Long enough for the reading loop to get several turns while one batch embeds. */
const EMBED_DELAY_MS = 40;

/** Wraps an embedder: each call waits, records when it started and ended, and may fail on a text. */
function slowEmbedder(inner: Embedder, events: string[], failOn?: string): Embedder {
  return {
    ...inner,
    async embedDocuments(texts, options) {
      events.push('embed-start');
      await new Promise((resolve) => setTimeout(resolve, EMBED_DELAY_MS));
      if (failOn && texts.some((text) => text.includes(failOn))) {
        events.push('embed-failed');
        throw new Error(`embedding failed on "${failOn}"`);
      }
      const vectors = await inner.embedDocuments(texts, options);
      events.push('embed-end');
      return vectors;
    },
  };
}

/** Documents as an async source that records each read. */
async function* reading(documents: LoadedDocument[], events: string[]): AsyncIterable<SourceItem> {
  for (const document of documents) {
    events.push(`read ${document.externalId}`);
    yield { document };
  }
}

const corpus = (version: string): LoadedDocument[] =>
  Array.from({ length: 10 }, (_, i) => doc(`d${String(i).padStart(2, '0')}.md`, `Document ${i} ${version} about topic${i}.\n\nSecond paragraph ${i} ${version} words${i}.`));

describe.each(cases)('pipelined ingest with embeddings: $name', (driver) => {
  let db: Db;
  const reference = hashedEmbedder();
  const ingest = (documents: LoadedDocument[], embedder: Embedder, events: string[]) =>
    runIngest(reading(documents, events), {
      db,
      tenant: 'pipe',
      chunker: wholeDocumentChunker('paragraph'),
      prepareWorkers: 0,
      analyzer,
      configFingerprint: { size: 1 },
      titleWeight: 1,
      embedder,
      batchDocuments: BATCH_DOCUMENTS,
    });
  const stored = async () =>
    (
      await db.query<{ external_id: string; text: string; embedding: string }>(
        `SELECT d.external_id, c.text, e.embedding::text AS embedding
           FROM documents d JOIN chunks c ON c.document_id = d.id JOIN chunk_embeddings e ON e.chunk_id = c.id
          WHERE d.tenant = 'pipe' ORDER BY d.external_id, c.ordinal`,
      )
    ).rows;

  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
  });
  afterAll(async () => db.close());

  it('embeds while it reads on, and stores every chunk with its own text and vector, in order', async () => {
    const events: string[] = [];
    const progress: number[] = [];
    const summary = await runIngest(reading(corpus('v1'), events), {
      db,
      tenant: 'pipe',
      chunker: wholeDocumentChunker('paragraph'),
      prepareWorkers: 0,
      analyzer,
      configFingerprint: { size: 1 },
      titleWeight: 1,
      embedder: slowEmbedder(reference, events),
      batchDocuments: BATCH_DOCUMENTS,
      onProgress: (p) => progress.push(p.embedded ?? -1),
    });
    expect(summary.documents.added).toBe(10);
    expect(summary.embedding?.chunks).toBe(20);
    expect(progress.at(-1)).toBe(20);
    // Some document was read while a batch was being embedded: the stages overlap.
    const overlapped = events.some((event, i) => event.startsWith('read') && events.lastIndexOf('embed-start', i) > events.lastIndexOf('embed-end', i));
    expect(overlapped).toBe(true);
    const rows = await stored();
    expect(rows.map((r) => r.external_id)).toEqual(corpus('v1').flatMap((d) => [d.externalId, d.externalId]));
    const expected = corpus('v1').flatMap((d) => d.text.split('\n\n'));
    expect(rows.map((r) => r.text)).toEqual(expected);
    const vectors = await reference.embedDocuments(expected);
    rows.forEach((row, i) => {
      const values = JSON.parse(row.embedding) as number[];
      values.forEach((value, d) => expect(value).toBeCloseTo(vectors[i]![d]!, 6));
    });
  });

  it('a failing embedding call fails the run; that batch and the ones after it keep their previous version', async () => {
    const before = await stored();
    const events: string[] = [];
    // d04 is in the third batch (two documents per batch).
    const run = ingest(corpus('v2'), slowEmbedder(reference, events, 'Document 4 v2'), events);
    await expect(run).rejects.toThrow('embedding failed on "Document 4 v2"');
    // No embedding starts after the failure.
    expect(events.slice(events.indexOf('embed-failed')).filter((e) => e === 'embed-start')).toEqual([]);
    const after = await stored();
    const byDocument = (rows: typeof after, id: string) => rows.filter((r) => r.external_id === id);
    for (const id of ['d00.md', 'd01.md', 'd02.md', 'd03.md']) {
      expect(byDocument(after, id).map((r) => r.text)).toEqual(corpus('v2').find((d) => d.externalId === id)!.text.split('\n\n'));
    }
    for (const id of ['d04.md', 'd05.md', 'd06.md', 'd07.md', 'd08.md', 'd09.md']) expect(byDocument(after, id)).toEqual(byDocument(before, id));
    // Every stored chunk still has exactly one embedding.
    const { rows } = await db.query<{ n: number; e: number }>(
      "SELECT count(*)::int AS n, (SELECT count(*)::int FROM chunk_embeddings WHERE tenant = 'pipe') AS e FROM chunks WHERE tenant = 'pipe'",
    );
    expect(rows[0]!.e).toBe(rows[0]!.n);
  });
});
