import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createChunker } from '../../src/ingest/chunkers/index.js';
import { analyzeWrite } from '../../src/search-index/document-analysis.js';
import { loadSources } from '../../src/ingest/load-sources.js';
import type { IngestSummary, SourceItem } from '../../src/ingest/pipeline.js';
import { startPrepareWorkers, type PrepareWorkerSpec } from '../../src/ingest/prepare-workers.js';
import { createTiktokenCounter } from '../../src/models/tokens/index.js';
import type { ChunkDraft, LoadedDocument } from '../../src/ingest/types.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { doc } from '../helpers/whole-document-chunker.js';

const CHUNK_SIZE = 96;
const CHUNK_OVERLAP = 16;
const TITLE_WEIGHT = 2;

/** The sample corpus plus documents that reach the chunkers' harder paths, and one that cannot be chunked. */
async function sampleCorpus(): Promise<LoadedDocument[]> {
  const documents: LoadedDocument[] = [];
  for await (const item of loadSources([join(import.meta.dirname, '..', '..', 'samples', 'corpus')], { maxFileBytes: 1 << 20 })) {
    if ('document' in item) documents.push(item.document);
  }
  const rows = Array.from({ length: 60 }, (_, i) => `| item ${i} | ${i * 7} | the warranty note number ${i} |`).join('\n');
  const code = Array.from({ length: 80 }, (_, i) => `  const value${i} = compute("fox ${i}", ${i});`).join('\n');
  const long = Array.from({ length: 40 }, (_, i) => `Sentence ${i} of a long paragraph about foxes, dogs and the company's travel budget.`).join(' ');
  documents.push(
    doc('tables.md', `# Prices\n\n| name | value | note |\n| --- | ---: | --- |\n${rows}\n\n## Code\n\n\`\`\`ts\n${code}\n\`\`\`\n\n${long}`, { title: 'Tables and code', format: 'markdown', metadata: { tags: ['x'], at: '2024-01-01' } }),
    doc('pages.txt', `Page one text about leave.\n\n${long}\n\nPage two text about bikes.`, {
      title: 'Paged',
      sections: [{ text: 'Page one text about leave.', page: 1, headingPath: ['One'] }, { text: 'Page two text about bikes.', page: 2 }],
    }),
    doc('broken.md', '# Broken\n\nIts sections are not slices of its text.', { format: 'markdown', sections: [{ text: 'nowhere in the text' }] }),
  );
  return documents;
}

/** Everything an ingest stores, keyed by external id and ordinal (never by generated ids). */
async function storedState(gw: Groundwork) {
  const documents = await gw.db.query(
    `SELECT external_id, source, title, content_hash, config_hash, metadata, chunk_count, token_count, version FROM documents WHERE tenant = 't' ORDER BY external_id`,
  );
  const chunks = await gw.db.query(
    `SELECT d.external_id, c.ordinal, c.text, c.token_count, c.heading_path, c.page, c.char_start, c.char_end, c.metadata, c.term_count, c.terms
       FROM chunks c JOIN documents d ON d.id = c.document_id WHERE c.tenant = 't' ORDER BY d.external_id, c.ordinal`,
  );
  const postings = await gw.db.query(
    `SELECT p.term, d.external_id, c.ordinal, u.tf, u.dl
       FROM posting_blocks p CROSS JOIN LATERAL unnest(p.chunk_ids, p.tfs, p.dls) AS u(chunk_id, tf, dl)
       JOIN chunks c ON c.id = u.chunk_id JOIN documents d ON d.id = c.document_id
      WHERE p.tenant = 't' ORDER BY p.term, d.external_id, c.ordinal`,
  );
  const stats = await gw.db.query("SELECT sum(chunk_delta)::int AS chunks, sum(length_delta)::int AS length FROM tenant_term_stats WHERE tenant = 't'");
  return { documents: documents.rows, chunks: chunks.rows, postings: postings.rows, stats: stats.rows };
}

const queries = ['travel budget for flights', 'rate limits per minute', 'on-call escalation', 'warranty note', 'foxes and dogs', 'paid leave'];

describe('prepare workers: same results as chunking in-thread', () => {
  const runs: Record<'inThread' | 'workers', { gw: Groundwork; summary: IngestSummary }> = {} as never;

  beforeAll(async () => {
    const corpus = await sampleCorpus();
    for (const [name, prepareWorkers] of [['inThread', 0], ['workers', 2]] as const) {
      const gw = await createGroundwork({
        config: {
          dataDir: 'memory://',
          tenant: 't',
          models: { embedder: { provider: 'none' } },
          cache: { enabled: false },
          retrieve: { titleWeight: TITLE_WEIGHT },
          ingest: { chunkSize: CHUNK_SIZE, chunkOverlap: CHUNK_OVERLAP, prepareWorkers, batchDocuments: 3 },
        },
        useEnvironment: false,
      });
      runs[name] = { gw, summary: await gw.ingest(corpus.map((document): SourceItem => ({ document }))) };
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(runs).map((run) => run.gw.close()));
  });

  it('says which path ran', () => {
    expect(runs.inThread.summary.prepare).toEqual({ mode: 'in-thread', reason: 'prepareWorkers is 0' });
    expect(runs.workers.summary.prepare).toEqual({ mode: 'workers', workers: 2 });
    expect(runs.workers.summary.notices).toEqual([]);
  });

  it('writes the same documents, chunks, token counts, BM25 postings and statistics', async () => {
    const { durationMs: _a, prepare: _b, ...inThread } = runs.inThread.summary;
    const { durationMs: _c, prepare: _d, ...workers } = runs.workers.summary;
    expect(workers).toEqual(inThread);
    expect(inThread.chunks).toBeGreaterThan(60);
    const expected = await storedState(runs.inThread.gw);
    expect(expected.postings.length).toBeGreaterThan(1000);
    expect(await storedState(runs.workers.gw)).toEqual(expected);
  });

  it('ranks the same chunks with the same BM25 scores', async () => {
    for (const query of queries) {
      const ranked = async (gw: Groundwork) =>
        (await gw.retrieve({ query, mode: 'sparse', k: 8 })).chunks.map((c) => ({ externalId: c.externalId, ordinal: c.ordinal, score: c.score }));
      const expected = await ranked(runs.inThread.gw);
      expect(expected.length).toBeGreaterThan(0);
      expect(await ranked(runs.workers.gw)).toEqual(expected);
    }
  });

  it('skips only the document whose chunking failed, with the in-thread reason', () => {
    const reason = 'chunking failed: document.sections[0]: not a slice of the document text after offset 0';
    for (const run of Object.values(runs)) {
      expect(run.summary.skipped).toEqual([{ path: '/docs/broken.md', reason }]);
      expect(run.summary.documents).toMatchObject({ skipped: 1, added: 15 });
    }
  });

  it('does not chunk unchanged documents again (no workers start)', async () => {
    const unchanged = (await sampleCorpus()).filter((document) => document.externalId !== 'broken.md');
    const again = await runs.workers.gw.ingest(unchanged.map((document): SourceItem => ({ document })));
    expect(again.documents).toMatchObject({ unchanged: 15, added: 0, updated: 0, skipped: 0 });
    expect(again.prepare).toEqual({ mode: 'in-thread', reason: 'no document needed chunking' });
  });
});

describe('prepare workers: one worker against the chunker and analyzer it rebuilds', () => {
  it('returns the chunks and term frequencies the in-thread chunker and analyzer give', async () => {
    const corpus = await sampleCorpus();
    const spec: PrepareWorkerSpec = { chunker: 'markdown', maxTokens: CHUNK_SIZE, overlap: CHUNK_OVERLAP, encoding: 'o200k_base', titleWeight: TITLE_WEIGHT };
    const chunker = createChunker('markdown', { maxTokens: CHUNK_SIZE, overlap: CHUNK_OVERLAP, tokenCounter: createTiktokenCounter('o200k_base') });
    const analyzer = createEnglishAnalyzer();
    const pool = await startPrepareWorkers(spec, 3);
    try {
      const prepared = await pool.prepare(corpus);
      expect(prepared).toHaveLength(corpus.length);
      corpus.forEach((document, i) => {
        if (document.externalId === 'broken.md') {
          expect(prepared![i]).toEqual({ chunkingError: 'document.sections[0]: not a slice of the document text after offset 0' });
          return;
        }
        const chunks = chunker.chunk(document) as ChunkDraft[];
        expect(prepared![i]).toEqual({ chunks, analysis: analyzeWrite({ document, chunks }, analyzer, TITLE_WEIGHT) });
      });
    } finally {
      await pool.close();
    }
  });
});
