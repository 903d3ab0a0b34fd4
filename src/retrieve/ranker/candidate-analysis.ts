import type { Analyzer } from '../../search-index/analyzer.js';
import type { RetrievedChunk } from '../types.js';

/** Analysis cache of the ranker stage by default, in MiB (estimated): about 14k SciFact abstracts (4.6 KB each, cues included). */
export const DEFAULT_RANKER_ANALYSIS_CACHE_MB = 64;

/** Words and numbers as the shared-cue features see them, in the query (ranker-features.ts) and in candidates alike. */
export const WORD = /[\p{L}\p{N}][\p{L}\p{N}-]*/gu;
export const NUMBER = /\d+(?:[.,]\d+)*/g;
/** Separator of the packed cue lists: neither WORD nor NUMBER ever matches it. */
const SEPARATOR = '\u0000';
/**
 * Per entry: the Map slot, the entry and analysis objects, the cues closure, array headers; per
 * analyzed term: its array slot with growth slack and a share of the term strings (stems outlive
 * the analyzer's stem cache once held here). Calibrated on SciFact (5,183 abstracts): V8's heap grew
 * 0.82x the estimate before the cues were computed, 1.15x after.
 */
const ENTRY_OVERHEAD_BYTES = 500;
const BYTES_PER_TERM = 20;

/** The chunk fields the analysis reads. */
export type CandidateText = Pick<RetrievedChunk, 'chunkId' | 'text' | 'title' | 'headingPath'>;

/** Lower-cased words and numbers of a candidate's title, heading path and text, packed: `\0w1\0w2\0...\0`. */
export interface CandidateCues {
  words: string;
  numbers: string;
}

/**
 * A candidate chunk's text as the ranker's features read it, independent of the query: body, title
 * and section (title + heading path) terms in order, and its cues (computed on first use).
 */
export interface CandidateAnalysis {
  readonly body: readonly string[];
  readonly title: readonly string[];
  /** The same array as `title` when the chunk has no heading path. */
  readonly section: readonly string[];
  cues(): CandidateCues;
}

/** True when `packed` (CandidateCues) holds `item` as a whole entry. */
export function packedHas(packed: string, item: string): boolean {
  return packed.includes(`${SEPARATOR}${item}${SEPARATOR}`);
}

function pack(items: readonly string[]): string {
  return items.length ? `${SEPARATOR}${items.join(SEPARATOR)}${SEPARATOR}` : '';
}

/** Cues of the raw parts, as the features define them (WORD over the lower-cased text, NUMBER over the text). */
export function candidateCues(chunk: Pick<RetrievedChunk, 'text' | 'title' | 'headingPath'>): CandidateCues {
  const raw = `${chunk.title ?? ''} ${(chunk.headingPath ?? []).join(' ')} ${chunk.text}`;
  // Each distinct word once: membership is all the features ask.
  return { words: pack([...new Set(raw.toLowerCase().match(WORD))]), numbers: pack([...new Set(raw.match(NUMBER))]) };
}

export interface CandidateAnalysisCacheStats {
  entries: number;
  /** Estimated bytes held (term slots, texts or cues, titles and heading paths kept for the check). */
  bytes: number;
  hits: number;
  misses: number;
}

/**
 * Analyses of candidate chunks kept between queries, least recently used evicted past `maxBytes`
 * (estimated: term slots, title and heading path, a fixed overhead, and the text until the cues are
 * computed, then the packed cues instead).
 *
 * Keyed by chunk id, which names one text for good: chunk rows are only ever inserted and deleted
 * (src/ingest/document-store.ts), never updated, and ids come from an identity column, never reused;
 * a ranker stage serves one retriever, bound to one database. What can change under an id is the
 * document's title, so an entry is used only when the title, heading path and text length equal the
 * ones it was made from (the length guards against a stage shared across databases by mistake);
 * comparing whole texts would keep them in memory for good or hash them on every hit (0.3-1 ms per
 * 100 chunks, measured). A hit returns what analyzing would. The analyzer is fixed
 * per cache (the ranker stage's).
 */
export interface CandidateAnalysisCache {
  /** Analyses of the candidates in order; a title shared by several candidates is analyzed once. */
  analyzeAll(chunks: readonly CandidateText[]): CandidateAnalysis[];
  stats(): CandidateAnalysisCacheStats;
  clear(): void;
}

interface Entry {
  textLength: number;
  title: string;
  headingPath: readonly string[];
  analysis: CandidateAnalysis;
  bytes: number;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Analyzes one candidate (no cache); `titleTerms` when the title is already analyzed. */
export function analyzeCandidateText(analyzer: Analyzer, chunk: Pick<RetrievedChunk, 'text' | 'title' | 'headingPath'>, titleTerms?: readonly string[], onCues?: (cues: CandidateCues) => void): CandidateAnalysis {
  const headingPath = chunk.headingPath ?? [];
  const body = analyzer.terms(chunk.text);
  const title = titleTerms ?? analyzer.terms(chunk.title ?? '');
  // [title].join(' ') is the title itself: the section is the title when there is no heading path.
  const section = headingPath.length === 0 ? title : analyzer.terms([chunk.title ?? '', ...headingPath].join(' '));
  let cues: CandidateCues | undefined;
  // The raw parts are held only until the cues are computed (the texts are most of an entry's memory).
  let source: Pick<RetrievedChunk, 'text' | 'title' | 'headingPath'> | undefined = { text: chunk.text, title: chunk.title, headingPath };
  return {
    body,
    title,
    section,
    cues() {
      if (!cues) {
        cues = candidateCues(source!);
        source = undefined;
        onCues?.(cues);
      }
      return cues;
    },
  };
}

/** A bounded analysis cache (maxBytes 0: nothing is kept, every call analyzes). */
export function createCandidateAnalysisCache(analyzer: Analyzer, options: { maxBytes: number }): CandidateAnalysisCache {
  if (!Number.isFinite(options.maxBytes) || options.maxBytes < 0) throw new TypeError('maxBytes must be a non-negative number');
  /** Map order is recency (a hit re-inserts), so the first key is the least recently used. */
  const entries = new Map<number, Entry>();
  let held = 0;
  const counters = { hits: 0, misses: 0 };

  const evict = () => {
    for (const [id, entry] of entries) {
      if (held <= options.maxBytes) break;
      entries.delete(id);
      held -= entry.bytes;
    }
  };

  const lookup = (chunk: CandidateText): Entry | undefined => {
    const entry = entries.get(chunk.chunkId);
    if (!entry) return undefined;
    if (entry.textLength !== chunk.text.length || entry.title !== (chunk.title ?? '') || !sameStrings(entry.headingPath, chunk.headingPath ?? [])) {
      entries.delete(chunk.chunkId);
      held -= entry.bytes;
      return undefined;
    }
    entries.delete(chunk.chunkId);
    entries.set(chunk.chunkId, entry);
    return entry;
  };

  return {
    analyzeAll(chunks) {
      const titles = new Map<string, readonly string[]>();
      return chunks.map((chunk) => {
        const found = lookup(chunk);
        if (found) {
          counters.hits++;
          return found.analysis;
        }
        counters.misses++;
        const titleText = chunk.title ?? '';
        let titleTerms = titles.get(titleText);
        if (!titleTerms) {
          titleTerms = analyzer.terms(titleText);
          titles.set(titleText, titleTerms);
        }
        if (options.maxBytes === 0) return analyzeCandidateText(analyzer, chunk, titleTerms);
        const entry: Entry = { textLength: chunk.text.length, title: titleText, headingPath: chunk.headingPath ?? [], analysis: undefined as unknown as CandidateAnalysis, bytes: 0 };
        entry.analysis = analyzeCandidateText(analyzer, chunk, titleTerms, (cues) => {
          // Cues are computed on first use, and the text then let go: counted then, while the entry is still held.
          if (entries.get(chunk.chunkId) !== entry) return;
          const change = cues.words.length + cues.numbers.length - entry.textLength;
          entry.bytes += change;
          held += change;
          evict();
        });
        const { body, title, section } = entry.analysis;
        entry.bytes = ENTRY_OVERHEAD_BYTES + entry.textLength + entry.title.length + entry.headingPath.reduce((s, h) => s + h.length, 0)
          + BYTES_PER_TERM * (body.length + title.length + (section === title ? 0 : section.length));
        entries.set(chunk.chunkId, entry);
        held += entry.bytes;
        evict();
        return entry.analysis;
      });
    },
    stats: () => ({ entries: entries.size, bytes: held, ...counters }),
    clear() {
      entries.clear();
      held = 0;
    },
  };
}
