import { randomUUID } from 'node:crypto';
import type { Db } from '../db/types.js';
import { GroundworkError, InputError } from '../errors.js';
import type { Embedder, Reranker } from '../models/types.js';
import { cacheEmbedderKey, registerCacheEmbedder, type CacheEmbedderRow } from './cache-embedder-registry.js';
import { cacheOptionsSchema, type CacheOptions } from './cache-options.js';
import { createCacheStats, type CacheEvent, type CacheStatsSnapshot } from './cache-stats.js';
import { documentsCurrent } from './entry-freshness.js';
import { createGuardSet } from './guards/guard-set.js';
import { createHitRecorder } from './hit-recorder.js';
import type { GuardReason } from './guards/guard-types.js';
import { questionKey } from './normalize-question.js';
import { NO_EMBEDDER_KEY, scopeKey } from './scope-key.js';
import { advisoryLockKey, isLockTimeout } from './single-flight-lock.js';
import { createPostgresCacheStore, type CheckedEntry, type NearestCandidate, type NearestQuery } from './stores/postgres-cache-store.js';
import type { CacheAnswer, CacheEntry, CacheLookup, CacheRequest, CacheStore, ExactKey, RejectedCandidate } from './types.js';
import { traceCacheLookup, traceCacheWrite } from '../monitor/tracing/cache-spans.js';

/** What goes into a response's `cache` field (and header). */
/**
 * Concurrent cross-process single-flight locks per process. Each holds one pooled connection (the
 * PostgreSQL pool has 10) while its answer is computed with others; 4 leaves room for that work.
 */
export const MAX_LOCKED_FLIGHTS = 4;

export interface CacheInfo {
  hit: boolean;
  layer: 'exact' | 'semantic' | null;
  similarity: number | null;
}

/** getOrCompute's result: the answer, where it came from, and whether this call computed it. */
export interface CachedResult {
  answer: CacheAnswer;
  cache: CacheInfo;
  computed: boolean;
}

/** The answer cache: exact and semantic layers, guards, invalidation, single-flight. */
export interface AnswerCache {
  lookup(request: CacheRequest): Promise<CacheLookup>;
  store(request: CacheRequest, answer: CacheAnswer): Promise<CacheEntry>;
  /** Serves from the cache or computes once for all concurrent identical requests (across processes on PostgreSQL). */
  getOrCompute(request: CacheRequest, compute: () => Promise<CacheAnswer>): Promise<CachedResult>;
  invalidateDocuments(tenant: string, documentIds: number[]): Promise<number>;
  clear(options?: { tenant?: string }): Promise<number>;
  /** Deletes expired entries and evicts beyond the size cap now (store() does it too). */
  enforceLimits(): Promise<{ expired: number; evicted: number }>;
  /**
   * Writes pending hit records (hit counts and LRU times) now. Hits are written in batches off the
   * hit path within HIT_FLUSH_INTERVAL_MS; enforceLimits() and close() flush first.
   */
  flushHits(): Promise<void>;
  stats(): CacheStatsSnapshot;
  onEvent(listener: (event: CacheEvent) => void): () => void;
  close(): Promise<void>;
}

/** Dependencies and settings of an answer cache. */
export interface AnswerCacheInit {
  db: Db;
  /** Raw or parsed options (parsed with cacheOptionsSchema here). */
  options?: unknown;
  embedder?: Embedder;
  reranker?: Reranker;
  /** Exact-layer store in front of PostgreSQL (the Redis store); PostgreSQL when absent. */
  exactStore?: CacheStore;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

/**
 * Creates an answer cache over PostgreSQL/PGlite (tables from migrations/0004_cache.sql and 0007_cache_hits.sql).
 * @example
 * const cache = createAnswerCache({ db, options: config.cache, embedder });
 * const { answer, cache: info } = await cache.getOrCompute({ question, scope }, () => answerFromDocuments(question));
 */
export function createAnswerCache(init: AnswerCacheInit): AnswerCache {
  const options: CacheOptions = cacheOptionsSchema.parse(init.options ?? {});
  const { db, embedder, reranker } = init;
  if (options.reranker.enabled && !reranker) throw new GroundworkError('CONFIG', 'cache.reranker.enabled is true but no reranker was given to createAnswerCache');
  const now = init.now ?? Date.now;
  const pg = createPostgresCacheStore(db);
  const exactStore = init.exactStore;
  const stats = createCacheStats();
  const hits = createHitRecorder((batch) => pg.recordHits(batch), { onError: (error) => stats.record({ type: 'error', operation: 'record-hits', message: error.message }) });
  const guards = createGuardSet(options.guards);
  const embedderKey = embedder ? cacheEmbedderKey(embedder) : NO_EMBEDDER_KEY;
  const semanticOn = options.semantic.enabled && embedder !== undefined;
  const threshold = embedder ? options.semantic.thresholds[embedder.id] ?? options.semantic.defaultThreshold : 1;
  const inflight = new Map<string, Promise<CacheAnswer>>();
  let registered: Promise<CacheEmbedderRow> | undefined;
  const registration = (): Promise<CacheEmbedderRow> => {
    registered ??= registerCacheEmbedder(db, embedderKey, embedder!.dimensions, { hnsw: options.semantic.index === 'hnsw' }).catch((error: unknown) => {
      registered = undefined;
      throw error;
    });
    return registered;
  };

  const keysOf = (request: CacheRequest): ExactKey => {
    validateRequest(request);
    return { tenant: request.scope.tenant, scopeKey: scopeKey(request.scope, embedderKey), questionKey: questionKey(request.question) };
  };
  const embed = async (request: CacheRequest): Promise<Float32Array> => {
    const vector = request.embedding ?? (await embedder!.embedQuery(request.question));
    if (vector.length !== embedder!.dimensions) throw new InputError('embedding', `has ${vector.length} dimensions, the cache embedder ${embedder!.id} has ${embedder!.dimensions}`);
    return vector;
  };
  const drop = async (tenant: string, ids: string[], type: 'stale' | 'expired'): Promise<void> => {
    if (ids.length === 0) return;
    await pg.remove(tenant, ids);
    if (exactStore) await exactStore.remove(tenant, ids);
    stats.record({ type, count: ids.length });
  };

  /** An exact-layer read from PostgreSQL, judged: served, or dropped when stale or expired. */
  const serveExact = async (key: ExactKey, checked: CheckedEntry | undefined): Promise<CacheLookup | undefined> => {
    if (!checked) return undefined;
    const at = new Date(now());
    if (checked.stale || checked.entry.expiresAt <= at) {
      await drop(key.tenant, [checked.entry.id], checked.stale ? 'stale' : 'expired');
      return undefined;
    }
    // The read checked freshness in its own statement; the hit is written in the next batch.
    hits.record({ tenant: key.tenant, id: checked.entry.id, at });
    return { hit: true, layer: 'exact', similarity: 1, entry: checked.entry };
  };

  const lookupExact = async (key: ExactKey): Promise<CacheLookup | undefined> => {
    const at = new Date(now());
    if (exactStore) {
      const entry = await exactStore.getExact(key);
      if (entry) {
        // Confirm against PostgreSQL: the row still exists (not evicted, cleared or purged) and its documents are current.
        if (entry.expiresAt > at && (await documentsCurrent(db, key.tenant, entry.documents)) && (await pg.touch(key.tenant, entry.id, at))) {
          return { hit: true, layer: 'exact', similarity: 1, entry };
        }
        await exactStore.remove(key.tenant, [entry.id]);
      }
    }
    return serveExact(key, await pg.getExactChecked(key));
  };

  const nearestQuery = async (request: CacheRequest, key: ExactKey): Promise<NearestQuery> => {
    const row = await registration();
    return {
      tenant: key.tenant, scopeKey: key.scopeKey, embedderId: row.id, dimensions: row.dimensions, vector: await embed(request), limit: options.semantic.candidates,
      index: options.semantic.index, efSearch: options.semantic.efSearch,
    };
  };

  type SemanticResult = { hit?: CacheLookup; rejections: RejectedCandidate[]; best: number | null };
  const lookupSemantic = async (request: CacheRequest, key: ExactKey): Promise<SemanticResult> => {
    const at = new Date(now());
    return judgeCandidates(request, key, await pg.nearest(await nearestQuery(request, key)), at);
  };

  const judgeCandidates = async (request: CacheRequest, key: ExactKey, candidates: NearestCandidate[], at: Date): Promise<SemanticResult> => {
    const rejections: RejectedCandidate[] = [];
    const stale = candidates.filter((c) => c.stale).map((c) => c.entry.id);
    await drop(key.tenant, stale, 'stale');
    const expired = candidates.filter((c) => !c.stale && c.entry.expiresAt <= at).map((c) => c.entry.id);
    await drop(key.tenant, expired, 'expired');
    const fresh = candidates.filter((c) => !c.stale && c.entry.expiresAt > at);
    const best = fresh[0]?.similarity ?? null;
    for (const candidate of fresh) {
      if (candidate.similarity < threshold) break;
      const reasons: GuardReason[] = [...guards.check(request.question, candidate.entry.question)];
      if (reasons.length === 0 && options.reranker.enabled && reranker) {
        const [score] = await reranker.rerank(request.question, [candidate.entry.question]);
        if (!(score >= options.reranker.minScore)) {
          reasons.push({ guard: 'reranker', code: 'reranker.score', detail: `reranker ${reranker.id} scored ${score}, below ${options.reranker.minScore}` });
        }
      }
      if (reasons.length > 0) {
        for (const reason of reasons) stats.record({ type: 'rejection', guard: reason.guard, code: reason.code });
        rejections.push({ question: candidate.entry.question, similarity: candidate.similarity, reasons });
        continue;
      }
      if (options.reranker.enabled) {
        // The reranker call took time: touch() re-checks that the entry still exists and is fresh.
        if (!(await pg.touch(key.tenant, candidate.entry.id, at))) continue;
      } else {
        // nearest() checked freshness in the statement that read the candidate; the hit is written in the next batch.
        hits.record({ tenant: key.tenant, id: candidate.entry.id, at });
      }
      return { hit: { hit: true, layer: 'semantic', similarity: candidate.similarity, entry: candidate.entry }, rejections, best };
    }
    return { rejections, best };
  };

  const lookup = async (request: CacheRequest): Promise<CacheLookup> => {
    const key = keysOf(request);
    if (!options.enabled) return { hit: false, layer: null, similarity: null, entry: null, rejections: [] };
    let exact: CacheLookup | undefined;
    let semantic: SemanticResult | undefined;
    if (semanticOn && request.embedding && !exactStore) {
      // The caller holds the embedding: exact key and nearest entries in one statement (the HNSW
      // scan runs only when the exact key is absent).
      const at = new Date(now());
      const found = await pg.exactOrNearest({ ...(await nearestQuery(request, key)), questionKey: key.questionKey });
      exact = await serveExact(key, found.exact);
      // An exact entry that could not be served (stale, expired) suppressed the scan: run it now.
      if (!exact?.hit) semantic = found.exact ? await lookupSemantic(request, key) : await judgeCandidates(request, key, found.candidates, at);
    } else {
      exact = await lookupExact(key);
    }
    if (exact?.hit) {
      stats.record({ type: 'hit', layer: 'exact', similarity: 1 });
      return exact;
    }
    if (semanticOn) {
      semantic ??= await lookupSemantic(request, key);
      if (semantic.hit?.hit) {
        stats.record({ type: 'hit', layer: 'semantic', similarity: semantic.hit.similarity });
        return semantic.hit;
      }
      stats.record({ type: 'miss' });
      return { hit: false, layer: null, similarity: semantic.best, entry: null, rejections: semantic.rejections };
    }
    stats.record({ type: 'miss' });
    return { hit: false, layer: null, similarity: null, entry: null, rejections: [] };
  };

  const enforceLimits = async (): Promise<{ expired: number; evicted: number }> => {
    await hits.flush(); // LRU eviction must see the latest hits
    const result = await pg.enforceLimits(new Date(now()), options.maxEntries);
    if (result.expired > 0) stats.record({ type: 'expired', count: result.expired });
    if (result.evicted > 0) stats.record({ type: 'eviction', count: result.evicted });
    return result;
  };

  const store = async (request: CacheRequest, answer: CacheAnswer): Promise<CacheEntry> => {
    const key = keysOf(request);
    validateAnswer(answer);
    const at = now();
    const entry: CacheEntry = {
      id: randomUUID(),
      ...key,
      question: request.question,
      answer: answer.answer,
      citations: answer.citations,
      documents: dedupeDocuments(answer.documents),
      metadata: answer.metadata ?? {},
      embedderKey: semanticOn ? embedderKey : undefined,
      createdAt: new Date(at),
      expiresAt: new Date(at + options.ttlSeconds * 1000),
      lastHitAt: new Date(at),
      hitCount: 0,
    };
    if (semanticOn) {
      const row = await registration();
      await pg.putWithEmbedding(entry, { embedderId: row.id, vector: await embed(request) });
    } else {
      await pg.put(entry);
    }
    if (exactStore) await exactStore.put(entry);
    stats.record({ type: 'store' });
    await enforceLimits();
    return entry;
  };

  const computeAndStore = async (request: CacheRequest, compute: () => Promise<CacheAnswer>): Promise<CacheAnswer> => {
    const answer = await compute();
    if (answer.cacheable === false) return answer;
    try {
      await traceCacheWrite(() => store(request, answer));
    } catch (error) {
      // The answer is good; a failed cache write must not fail the request. Counted and emitted.
      stats.record({ type: 'error', operation: 'store', message: (error as Error).message });
    }
    return answer;
  };

  let lockedFlights = 0;
  const getOrCompute = async (request: CacheRequest, compute: () => Promise<CacheAnswer>): Promise<CachedResult> => {
    const found = await traceCacheLookup(() => lookup(request));
    if (found.hit) return { answer: toAnswer(found.entry), cache: { hit: true, layer: found.layer, similarity: found.similarity }, computed: false };
    const miss: CacheInfo = { hit: false, layer: null, similarity: found.similarity };
    if (!options.enabled) return { answer: await compute(), cache: miss, computed: true };
    const key = keysOf(request);
    const flightKey = `${key.tenant}\u0000${key.scopeKey}\u0000${key.questionKey}`;
    const running = inflight.get(flightKey);
    if (running) {
      stats.record({ type: 'single-flight', outcome: 'joined' });
      return { answer: await running, cache: miss, computed: false };
    }
    let computedHere = false;
    const flight = (async (): Promise<CacheAnswer> => {
      // The cross-process lock holds a pooled connection while the answer is computed, and
      // computing needs connections too: past MAX_LOCKED_FLIGHTS concurrent flights in this process,
      // compute under the in-process single-flight only (counted), so the pool can never deadlock.
      if (db.kind === 'postgres' && lockedFlights >= MAX_LOCKED_FLIGHTS) {
        stats.record({ type: 'single-flight', outcome: 'timeout' });
        computedHere = true;
        return computeAndStore(request, compute);
      }
      if (db.kind !== 'postgres') {
        computedHere = true;
        return computeAndStore(request, compute); // PGlite is one process: the in-process map is enough
      }
      lockedFlights += 1;
      try {
        return await db.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryLockKey(flightKey)]);
          const again = await lookupExact(key);
          if (again?.hit) {
            stats.record({ type: 'single-flight', outcome: 'waited' });
            return toAnswer(again.entry);
          }
          computedHere = true;
          return computeAndStore(request, compute);
        }, { settings: { lock_timeout: `${options.singleFlightWaitMs}ms` } });
      } catch (error) {
        if (!isLockTimeout(error)) throw error;
        stats.record({ type: 'single-flight', outcome: 'timeout' });
        computedHere = true;
        return computeAndStore(request, compute);
      } finally {
        lockedFlights -= 1;
      }
    })();
    inflight.set(flightKey, flight);
    try {
      const answer = await flight;
      return { answer, cache: miss, computed: computedHere };
    } finally {
      inflight.delete(flightKey);
    }
  };

  return {
    lookup,
    store,
    getOrCompute,
    async invalidateDocuments(tenant, documentIds) {
      const removed = await pg.removeByDocuments(tenant, documentIds);
      if (exactStore) await exactStore.removeByDocuments(tenant, documentIds);
      return removed;
    },
    async clear(clearOptions = {}) {
      const removed = await pg.clear(clearOptions.tenant);
      if (exactStore) await exactStore.clear(clearOptions.tenant);
      return removed;
    },
    enforceLimits,
    flushHits: () => hits.flush(),
    stats: () => stats.snapshot(),
    onEvent: (listener) => stats.onEvent(listener),
    async close() {
      await hits.flush();
      await exactStore?.close?.();
    },
  };
}

function toAnswer(entry: CacheEntry): CacheAnswer {
  return { answer: entry.answer, citations: entry.citations, documents: entry.documents, metadata: entry.metadata };
}

function dedupeDocuments(documents: CacheAnswer['documents']): CacheAnswer['documents'] {
  const byId = new Map<number, number>();
  for (const d of documents) byId.set(d.id, d.version);
  return [...byId].map(([id, version]) => ({ id, version }));
}

function validateRequest(request: CacheRequest): void {
  if (typeof request?.question !== 'string' || request.question.trim().length === 0) throw new InputError('question', 'must be a non-empty string');
  if (typeof request.scope !== 'object' || request.scope === null) throw new InputError('scope', 'is required');
}

function validateAnswer(answer: CacheAnswer): void {
  if (typeof answer?.answer !== 'string') throw new InputError('answer.answer', 'must be a string');
  if (!Array.isArray(answer.citations)) throw new InputError('answer.citations', 'must be an array');
  if (!Array.isArray(answer.documents)) throw new InputError('answer.documents', 'must be an array of {id, version}');
  for (const [i, d] of answer.documents.entries()) {
    if (!Number.isSafeInteger(d?.id) || !Number.isSafeInteger(d?.version)) throw new InputError(`answer.documents[${i}]`, 'needs integer id and version');
  }
}
