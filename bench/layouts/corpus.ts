/**
 * The synthetic corpus shared by every posting layout in bench/posting-layouts.ts: SciFact
 * abstracts (title + text, one chunk per document) repeated and perturbed to the size exactly as
 * bench/retrieval-latency.ts does, and the analysis every layout writes (the ingest analyzer's
 * term frequencies and lengths, title terms included), computed once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeWrite, chunkTerms } from '../../src/search-index/document-analysis.js';
import type { SourceItem } from '../../src/ingest/pipeline.js';
import type { ChunkDraft, Chunker, LoadedDocument } from '../../src/ingest/types.js';
import type { Analyzer } from '../../src/search-index/analyzer.js';
import { MAX_QUERY_TERMS } from '../../src/retrieve/retrieve-options.js';
import { seededRandom } from '../bench-embedder.js';

export interface CorpusDocument {
  _id: string;
  title: string;
  text: string;
}

/** One chunk's BM25 input, compact (parallel arrays): about 150 distinct terms per abstract. */
export interface AnalyzedChunk {
  chunkId: number;
  terms: string[];
  tfs: number[];
  /** BM25 document length (analyzer terms, title terms included). */
  length: number;
}

export function readCorpus(dataset: string): CorpusDocument[] {
  return readFileSync(join(dataset, 'corpus.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as CorpusDocument);
}

export function readQueries(dataset: string, count: number): string[] {
  return readFileSync(join(dataset, 'queries.jsonl'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { text: string }).text).slice(0, count);
}

/** One chunk per document, the whole text (as bench/retrieval-latency.ts). */
export const oneChunk: Chunker = {
  name: 'bench-whole',
  chunk: (d: LoadedDocument): ChunkDraft[] => [{ ordinal: 0, text: d.text, tokenCount: d.text.length >> 2, headingPath: [], charStart: 0, charEnd: d.text.length, metadata: {} }],
};

/** The synthetic corpus of bench/retrieval-latency.ts and bench/posting-layouts.ts: SciFact abstracts, replicas drop ~10% of their words (seeded). */
export function* synthesize(corpus: CorpusDocument[], size: number): Generator<SourceItem> {
  const random = seededRandom(size);
  for (let i = 0; i < size; i += 1) {
    const base = corpus[i % corpus.length];
    const replica = Math.floor(i / corpus.length);
    const text = replica === 0 ? base.text : base.text.split(' ').filter(() => random() > 0.1).join(' ');
    yield { document: { externalId: `${base._id}-${replica}`, source: `bench/${replica}`, title: base.title, text, format: 'text', metadata: { replica } } };
  }
}

/**
 * Analyzes the corpus as ingest does (analyzeWrite, title weight 1) and gives each chunk the id the
 * ingest assigned it, so every layout stores the same chunk ids. Sorted by chunk id.
 */
export function analyzeCorpus(corpus: CorpusDocument[], size: number, analyzer: Analyzer, chunkIdOf: Map<string, number>, titleWeight: number): AnalyzedChunk[] {
  const out: AnalyzedChunk[] = [];
  for (const item of synthesize(corpus, size)) {
    if (!('document' in item)) continue;
    const chunks = oneChunk.chunk(item.document) as ChunkDraft[];
    const analysis = analyzeWrite({ document: item.document, chunks }, analyzer, titleWeight);
    const chunkId = chunkIdOf.get(item.document.externalId);
    if (chunkId === undefined) throw new Error(`chunk of ${item.document.externalId} not found after ingest`);
    out.push({ chunkId, terms: chunkTerms(analysis, 0), tfs: [...analysis.tfs.subarray(analysis.offsets[0], analysis.offsets[1])], length: analysis.termCounts[0] });
  }
  return out.sort((a, b) => a.chunkId - b.chunkId);
}

/** Query terms with their in-query frequency, as the retriever builds them. */
export function queryTerms(analyzer: Analyzer, query: string): Map<string, number> {
  const terms = new Map<string, number>();
  for (const term of analyzer.terms(query).slice(0, MAX_QUERY_TERMS)) terms.set(term, (terms.get(term) ?? 0) + 1);
  return terms;
}
