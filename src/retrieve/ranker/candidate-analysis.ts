import type { Analyzer } from '../../search-index/analyzer.js';
import type { RetrievedChunk } from '../types.js';
import type { StoredTerms } from './stored-terms.js';

/** Analysis cache of the ranker stage by default, in MiB (estimated): term ids of about 100k SciFact abstracts and their dictionary. */
export const DEFAULT_RANKER_ANALYSIS_CACHE_MB = 64;

/** Words and numbers as the shared-cue features see them, in the query (ranker-features.ts) and in candidates alike. */
export const WORD = /[\p{L}\p{N}][\p{L}\p{N}-]*/gu;
export const NUMBER = /\d+(?:[.,]\d+)*/g;

/**
 * Per entry: the Map slot, the entry and analysis objects and typed-array headers; per analyzed
 * term: its 4-byte id. Per dictionary term: the Map entry, the array slot and the string.
 */
const ENTRY_OVERHEAD_BYTES = 400;
const BYTES_PER_TERM = 4;
const BYTES_PER_DICTIONARY_TERM = 80;

/** The chunk fields the analysis reads. */
export type CandidateText = Pick<RetrievedChunk, 'chunkId' | 'text' | 'title' | 'headingPath'>;

/**
 * Terms as integer ids, so a feature row reads typed arrays instead of looking strings up
 * (ranker-features.ts). Ids are never reused within one dictionary; a cache that outgrows its
 * budget starts a new dictionary, and analyses keep the one they were made with.
 */
export class TermDictionary {
  private readonly ids = new Map<string, number>();
  readonly terms: string[] = [];
  /** Scratch for ranker-features.ts: per term id, its slot in the query being featured + 1 (0: none); used synchronously, reset after. */
  slots = new Int32Array(1024);

  get size(): number {
    return this.terms.length;
  }

  idOf(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.terms.length;
      this.ids.set(term, id);
      this.terms.push(term);
      if (id >= this.slots.length) {
        const grown = new Int32Array(this.slots.length * 2);
        grown.set(this.slots);
        this.slots = grown;
      }
    }
    return id;
  }

  /** Stored terms (distinct + order) as ids: each distinct term looked up once. */
  encodeStored(stored: StoredTerms): Int32Array {
    const ids = stored.distinct.map((term) => this.idOf(term));
    const out = new Int32Array(stored.order.length);
    for (let i = 0; i < out.length; i++) out[i] = ids[stored.order[i]];
    return out;
  }

  encode(terms: readonly string[]): Int32Array {
    const out = new Int32Array(terms.length);
    for (let i = 0; i < terms.length; i++) out[i] = this.idOf(terms[i]);
    return out;
  }

  decode(ids: Int32Array): string[] {
    const out = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.terms[ids[i]];
    return out;
  }
}

/**
 * A candidate chunk's text as the ranker's features read it, independent of the query: body, title
 * and section (title + heading path) terms in order, as ids of `dictionary`.
 */
export interface CandidateAnalysis {
  readonly dictionary: TermDictionary;
  readonly bodyIds: Int32Array;
  readonly titleIds: Int32Array;
  /** The same array as `titleIds` when the chunk has no heading path. */
  readonly sectionIds: Int32Array;
  /** The terms themselves (decoded on each access). */
  readonly body: readonly string[];
  readonly title: readonly string[];
  readonly section: readonly string[];
}

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** The code point that ends just before `index` (a surrogate pair read whole). */
function codePointBefore(text: string, index: number): string {
  const low = text.charCodeAt(index - 1);
  if (index >= 2 && low >= 0xdc00 && low <= 0xdfff) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 2, index);
  }
  return text[index - 1];
}

function codePointAt(text: string, index: number): string {
  return String.fromCodePoint(text.codePointAt(index)!);
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * True when lower-cased `text` holds `word` (a lower-cased WORD match) as one of its own WORD
 * matches, found without collecting them: an occurrence is a whole match when the character after
 * it is not a letter, digit or hyphen (WORD would run on), and when, past any hyphens just before
 * it, the character before is not a letter or digit (a match begun there would run through it).
 * Tested against collecting the matches.
 */
export function hasWordCue(text: string, word: string): boolean {
  for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
    const end = at + word.length;
    if (end < text.length) {
      const next = codePointAt(text, end);
      if (next === '-' || LETTER_OR_DIGIT.test(next)) continue;
    }
    let before = at;
    while (before > 0 && text[before - 1] === '-') before--;
    if (before > 0 && LETTER_OR_DIGIT.test(codePointBefore(text, before))) continue;
    return true;
  }
  return false;
}

/**
 * As hasWordCue for a NUMBER match (ASCII digits, `.` and `,` between digit groups): an occurrence
 * is whole when no digit, nor a separator after a digit, comes just before it, and no digit, nor a
 * separator before a digit, just after it.
 */
export function hasNumberCue(text: string, number: string): boolean {
  for (let at = text.indexOf(number); at >= 0; at = text.indexOf(number, at + 1)) {
    const end = at + number.length;
    if (at > 0) {
      const previous = text.charCodeAt(at - 1);
      if (isDigit(previous)) continue;
      if ((text[at - 1] === '.' || text[at - 1] === ',') && at > 1 && isDigit(text.charCodeAt(at - 2))) continue;
    }
    if (end < text.length) {
      if (isDigit(text.charCodeAt(end))) continue;
      if ((text[end] === '.' || text[end] === ',') && end + 1 < text.length && isDigit(text.charCodeAt(end + 1))) continue;
    }
    return true;
  }
  return false;
}

/** A candidate's title, heading path and text, each lower-cased when `lower` (what the cue checks read). */
export function cueParts(chunk: Pick<RetrievedChunk, 'text' | 'title' | 'headingPath'>, lower: boolean): string[] {
  const parts = [chunk.text, chunk.title ?? '', ...(chunk.headingPath ?? [])];
  return lower ? parts.map((part) => part.toLowerCase()) : parts;
}

export interface CandidateAnalysisCacheStats {
  entries: number;
  /** Estimated bytes held (term ids, the dictionary, a fixed overhead per entry). */
  bytes: number;
  hits: number;
  misses: number;
  /** Misses whose text terms were read as stored at ingest (the rest were analyzed). */
  stored: number;
  /** Distinct terms in the current dictionary. */
  dictionaryTerms: number;
}

/**
 * Analyses of candidate chunks kept between queries, least recently used evicted past `maxBytes`
 * (estimated: term ids, the dictionary's terms, a fixed overhead). When the dictionary alone
 * passes half the budget, everything is dropped and a new dictionary begins.
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
  /** Whether an analysis is held under this chunk id (before the chunk is loaded; missing() also checks it is the same text). */
  holds(chunkId: number): boolean;
  /** Ids of the candidates the cache does not hold (nothing is counted or reordered). */
  missing(chunks: readonly CandidateText[]): number[];
  /**
   * Analyses of the candidates in order, all of one dictionary; a title shared by several
   * candidates is analyzed once. A candidate not held whose id is in `stored` takes its text terms
   * from there (read from chunks.term_order by loadStoredTerms) instead of analyzing its text.
   */
  analyzeAll(chunks: readonly CandidateText[], stored?: ReadonlyMap<number, StoredTerms>): CandidateAnalysis[];
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

function analysisOf(dictionary: TermDictionary, bodyIds: Int32Array, titleIds: Int32Array, sectionIds: Int32Array): CandidateAnalysis {
  return {
    dictionary,
    bodyIds,
    titleIds,
    sectionIds,
    get body() {
      return dictionary.decode(bodyIds);
    },
    get title() {
      return dictionary.decode(titleIds);
    },
    get section() {
      return dictionary.decode(sectionIds);
    },
  };
}

/**
 * Analyzes one candidate (no cache) into `dictionary`; `titleIds` when the title is already
 * analyzed, `storedBody` when the text's terms were read as stored at ingest (chunks.term_order:
 * what analyzing the text gives, without the analysis).
 */
export function analyzeCandidateText(
  analyzer: Analyzer,
  chunk: Pick<RetrievedChunk, 'text' | 'title' | 'headingPath'>,
  dictionary: TermDictionary = new TermDictionary(),
  titleIds?: Int32Array,
  storedBody?: StoredTerms,
): CandidateAnalysis {
  const headingPath = chunk.headingPath ?? [];
  const body = storedBody ? dictionary.encodeStored(storedBody) : dictionary.encode(analyzer.terms(chunk.text));
  const title = titleIds ?? dictionary.encode(analyzer.terms(chunk.title ?? ''));
  // [title].join(' ') is the title itself: the section is the title when there is no heading path.
  const section = headingPath.length === 0 ? title : dictionary.encode(analyzer.terms([chunk.title ?? '', ...headingPath].join(' ')));
  return analysisOf(dictionary, body, title, section);
}

/** A bounded analysis cache (maxBytes 0: nothing is kept, every call analyzes). */
export function createCandidateAnalysisCache(analyzer: Analyzer, options: { maxBytes: number }): CandidateAnalysisCache {
  if (!Number.isFinite(options.maxBytes) || options.maxBytes < 0) throw new TypeError('maxBytes must be a non-negative number');
  /** Map order is recency (a hit re-inserts), so the first key is the least recently used. */
  const entries = new Map<number, Entry>();
  let dictionary = new TermDictionary();
  let held = 0;
  const counters = { hits: 0, misses: 0, stored: 0 };
  const dictionaryBytes = () => dictionary.size * BYTES_PER_DICTIONARY_TERM;

  const evict = () => {
    for (const [id, entry] of entries) {
      if (held + dictionaryBytes() <= options.maxBytes) break;
      entries.delete(id);
      held -= entry.bytes;
    }
  };

  const matches = (entry: Entry, chunk: CandidateText): boolean =>
    entry.textLength === chunk.text.length && entry.title === (chunk.title ?? '') && sameStrings(entry.headingPath, chunk.headingPath ?? []);

  const lookup = (chunk: CandidateText): Entry | undefined => {
    const entry = entries.get(chunk.chunkId);
    if (!entry) return undefined;
    if (!matches(entry, chunk)) {
      entries.delete(chunk.chunkId);
      held -= entry.bytes;
      return undefined;
    }
    entries.delete(chunk.chunkId);
    entries.set(chunk.chunkId, entry);
    return entry;
  };

  const clear = () => {
    entries.clear();
    held = 0;
    dictionary = new TermDictionary();
  };

  return {
    holds: (chunkId) => entries.has(chunkId),
    missing(chunks) {
      return chunks.filter((chunk) => {
        const entry = entries.get(chunk.chunkId);
        return !entry || !matches(entry, chunk);
      }).map((chunk) => chunk.chunkId);
    },
    analyzeAll(chunks, stored) {
      // A dictionary past half the budget: start over before this call (its analyses share one dictionary).
      if (options.maxBytes > 0 && dictionaryBytes() > options.maxBytes / 2) clear();
      // Nothing kept: each call its own dictionary.
      const current = options.maxBytes === 0 ? new TermDictionary() : dictionary;
      const titles = new Map<string, Int32Array>();
      const analyses = chunks.map((chunk) => {
        const found = lookup(chunk);
        if (found && found.analysis.dictionary === current) {
          counters.hits++;
          return found.analysis;
        }
        counters.misses++;
        const storedBody = stored?.get(chunk.chunkId);
        if (storedBody) counters.stored++;
        const titleText = chunk.title ?? '';
        let titleIds = titles.get(titleText);
        if (!titleIds) {
          titleIds = current.encode(analyzer.terms(titleText));
          titles.set(titleText, titleIds);
        }
        const analysis = analyzeCandidateText(analyzer, chunk, current, titleIds, storedBody);
        if (options.maxBytes === 0) return analysis;
        const headingPath = chunk.headingPath ?? [];
        const { bodyIds, sectionIds } = analysis;
        const bytes = ENTRY_OVERHEAD_BYTES + titleText.length + headingPath.reduce((s, h) => s + h.length, 0)
          + BYTES_PER_TERM * (bodyIds.length + titleIds.length + (sectionIds === titleIds ? 0 : sectionIds.length));
        const previous = entries.get(chunk.chunkId);
        if (previous) held -= previous.bytes;
        entries.delete(chunk.chunkId);
        entries.set(chunk.chunkId, { textLength: chunk.text.length, title: titleText, headingPath, analysis, bytes });
        held += bytes;
        return analysis;
      });
      evict();
      return analyses;
    },
    stats: () => ({ entries: entries.size, bytes: held + dictionaryBytes(), ...counters, dictionaryTerms: dictionary.size }),
    clear,
  };
}
