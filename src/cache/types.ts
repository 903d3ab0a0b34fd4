/** What must be equal for a cached answer to be reusable, besides the question. */
export interface CacheScope {
  tenant: string;
  /** Hash of the answer configuration: routing policy and model set (the model is chosen after routing). */
  answerConfigHash: string;
  promptTemplateVersion: string;
  retrievalMode: string;
  /** Retrieval filters; compared by canonical JSON (key order does not matter). */
  filters?: unknown;
}

/** A question to look up or store. */
export interface CacheRequest {
  question: string;
  scope: CacheScope;
  /** The question's embedding when the caller already has it; otherwise the cache's embedder computes it. */
  embedding?: Float32Array;
}

/** A document version an answer used. */
export interface DocumentRef {
  id: number;
  version: number;
}

/** What is cached: the answer and what it rests on. */
export interface CacheAnswer {
  answer: string;
  citations: Array<Record<string, unknown>>;
  /** Every document the answer used, at the version it read. */
  documents: DocumentRef[];
  metadata?: Record<string, unknown>;
  /** false: handed to concurrent waiters but not stored (refusals: new documents could answer them). */
  cacheable?: boolean;
}

/** A stored entry. */
export interface CacheEntry extends CacheAnswer {
  id: string;
  tenant: string;
  scopeKey: string;
  questionKey: string;
  question: string;
  /** Cache embedder key (`<model id>@<revision>`) or undefined for exact-only entries. */
  embedderKey?: string;
  createdAt: Date;
  expiresAt: Date;
  lastHitAt: Date;
  hitCount: number;
  metadata: Record<string, unknown>;
}

/** The result of a lookup. */
export type CacheLookup =
  | { hit: true; layer: 'exact' | 'semantic'; similarity: number; entry: CacheEntry }
  | { hit: false; layer: null; similarity: number | null; entry: null; rejections: RejectedCandidate[] };

/** A semantic candidate that was not served, and why. */
export interface RejectedCandidate {
  question: string;
  similarity: number;
  reasons: Array<{ guard: string; code: string; detail: string }>;
}

/** Where the exact-key lookup reads from: the key of an entry and its tenant. */
export interface ExactKey {
  tenant: string;
  scopeKey: string;
  questionKey: string;
}

/**
 * Exact-layer storage: one entry per (tenant, scope, normalized question). PostgreSQL and Redis
 * implement it; stores return entries as stored and never judge freshness (the cache checks
 * expiry and document versions against PostgreSQL on every read, whatever the store).
 */
export interface CacheStore {
  readonly kind: 'postgres' | 'redis';
  getExact(key: ExactKey): Promise<CacheEntry | undefined>;
  put(entry: CacheEntry): Promise<void>;
  /** Removes entries by id; returns how many were removed. */
  remove(tenant: string, ids: string[]): Promise<number>;
  /** Removes every entry that used one of these documents. */
  removeByDocuments(tenant: string, documentIds: number[]): Promise<number>;
  /** Removes all entries, or one tenant's. */
  clear(tenant?: string): Promise<number>;
  close?(): Promise<void>;
}

/** A nearest-neighbour candidate from the semantic index. */
export interface SemanticCandidate {
  entry: CacheEntry;
  similarity: number;
}
