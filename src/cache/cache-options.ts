import { z } from 'zod';

/** Cosine similarity a semantic hit needs when no per-embedder threshold is configured. Calibrate
 * per embedder with `groundwork cache calibrate`: cosine scales differ between models. */
export const DEFAULT_SEMANTIC_THRESHOLD = 0.92;
/** One day: answers from a document set that does not change stay valid; re-ingest invalidates sooner. */
export const DEFAULT_TTL_SECONDS = 86_400;
/** Size cap: entries beyond it are evicted least recently used first. */
export const DEFAULT_MAX_ENTRIES = 100_000;
/** Nearest neighbours examined per semantic lookup: the nearest may fail a guard while the next passes. */
export const DEFAULT_SEMANTIC_CANDIDATES = 4;
/**
 * HNSW candidate list per semantic lookup (pgvector `hnsw.ef_search`; pgvector's default is 40).
 * Over the cache's denser graph (CACHE_HNSW_BUILD), 16 finds a stored question more often than 40
 * did over pgvector's default graph, reading a third fewer index pages. See bench/cache.ts for
 * recall and latency at 100k entries.
 */
export const DEFAULT_HNSW_EF_SEARCH = 16;
/** How long a request waits for another process computing the same answer before computing itself. */
export const DEFAULT_SINGLE_FLIGHT_WAIT_MS = 120_000;

const guardSwitch = <T extends z.ZodRawShape>(shape: T) => z.union([z.literal(false), z.object(shape).partial()]);

/** Answer-cache configuration (composed into the main config under `cache`). */
export const cacheOptionsSchema = z
  .object({
    enabled: z.boolean().default(true),
    ttlSeconds: z.number().int().positive().default(DEFAULT_TTL_SECONDS),
    maxEntries: z.number().int().positive().default(DEFAULT_MAX_ENTRIES),
    semantic: z
      .object({
        enabled: z.boolean().default(true),
        /** Per embedder id (`local:Xenova/all-MiniLM-L6-v2`): minimum cosine similarity. */
        thresholds: z.record(z.string(), z.number().min(-1).max(1)).default({}),
        defaultThreshold: z.number().min(-1).max(1).default(DEFAULT_SEMANTIC_THRESHOLD),
        candidates: z.number().int().min(1).max(50).default(DEFAULT_SEMANTIC_CANDIDATES),
        /** `hnsw`: pgvector HNSW index per embedder dimension; `exact`: sequential scan within the scope. */
        index: z.enum(['hnsw', 'exact']).default('hnsw'),
        /** HNSW search breadth (`hnsw.ef_search`): higher finds the nearest entry more often, slower. */
        efSearch: z.number().int().min(1).max(1000).default(DEFAULT_HNSW_EF_SEARCH),
      })
      .prefault({}),
    guards: z
      .object({
        negation: guardSwitch({ affixes: z.boolean(), lexical: z.boolean(), extraNegativeWords: z.array(z.string()) }).default({}),
        number: guardSwitch({ convertUnits: z.boolean(), relativeTolerance: z.number().min(0).max(0.5) }).default({}),
        entity: guardSwitch({ rejectOneSided: z.boolean(), matchAcronyms: z.boolean(), rejectSingleWordSwap: z.boolean() }).default({}),
        comparison: guardSwitch({ rejectOneSidedNumericBound: z.boolean(), checkArgumentOrder: z.boolean() }).default({}),
      })
      .prefault({}),
    reranker: z
      .object({
        enabled: z.boolean().default(false),
        /** Minimum reranker score of (new question, cached question); the scale is the reranker's own. */
        minScore: z.number().default(0.5),
      })
      .prefault({}),
    singleFlightWaitMs: z.number().int().positive().default(DEFAULT_SINGLE_FLIGHT_WAIT_MS),
    /** Exact layer in Redis when set (e.g. from REDIS_URL); PostgreSQL stays the record of entries. */
    redisUrl: z.string().url().optional(),
  })
  .prefault({});

/** Parsed cache options. */
export type CacheOptions = z.infer<typeof cacheOptionsSchema>;
