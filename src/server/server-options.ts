import { z } from 'zod';
import { DEFAULT_TOOL_MEMORY_MB, DEFAULT_TOOL_TIMEOUT_MS } from '../classic-ml/tool-limits.js';

/** Port of `groundwork serve`: unassigned by IANA and unlikely to clash with dev servers (3000, 8000, 8080). */
export const DEFAULT_PORT = 8787;
/** Loopback by default: exposing the service is an explicit choice (`--host 0.0.0.0`). */
export const DEFAULT_HOST = '127.0.0.1';
/** JSON bodies: a question with history and filters is a few KiB; 1 MiB leaves room for long chat histories. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/** Multipart uploads: the same cap as `ingest.maxFileBytes` (50 MiB) for a whole upload. */
export const DEFAULT_UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;
/** Uploads above this many bytes are queued as an ingestion job (202) instead of ingested inline. */
export const DEFAULT_UPLOAD_JOB_THRESHOLD_BYTES = 1024 * 1024;
/** Most answers take well under a second offline; LLM answers can take tens of seconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** Requests per minute per API key (token bucket, burst = one minute's worth). */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
/**
 * /v1 requests served at once per process; more wait in line. Below the PostgreSQL pool size (10)
 * so a burst queues here rather than timing out on the pool; PGlite serializes queries anyway.
 */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 8;
/** How long a graceful shutdown waits for in-flight requests before closing their connections. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * Options of the HTTP service (`groundwork serve`, createApp, startServer).
 *
 * Auth defaults to on: every route but /health, /ready and /metrics needs `Authorization: Bearer
 * <key>` (create keys with `groundwork keys create --tenant T`). `groundwork serve --no-auth` turns
 * it off for local use; then requests may name any tenant.
 *
 * The rate limit is a token bucket per API key held in this process's memory: with N server
 * processes behind a load balancer a key gets up to N times the limit. 0 turns it off.
 */
export const serverOptionsSchema = z
  .object({
    port: z.number().int().min(0).max(65_535).default(DEFAULT_PORT),
    host: z.string().min(1).default(DEFAULT_HOST),
    auth: z.boolean().default(true),
    bodyLimitBytes: z.number().int().positive().default(DEFAULT_BODY_LIMIT_BYTES),
    uploadLimitBytes: z.number().int().positive().default(DEFAULT_UPLOAD_LIMIT_BYTES),
    uploadJobThresholdBytes: z.number().int().min(0).default(DEFAULT_UPLOAD_JOB_THRESHOLD_BYTES),
    requestTimeoutMs: z.number().int().positive().max(3_600_000).default(DEFAULT_REQUEST_TIMEOUT_MS),
    rateLimitPerMinute: z.number().int().min(0).default(DEFAULT_RATE_LIMIT_PER_MINUTE),
    /** /v1 requests served at once (the rest wait, up to requestTimeoutMs); 0 = no limit. */
    maxConcurrentRequests: z.number().int().min(0).max(10_000).default(DEFAULT_MAX_CONCURRENT_REQUESTS),
    shutdownGraceMs: z.number().int().min(0).max(600_000).default(DEFAULT_SHUTDOWN_GRACE_MS),
    /**
     * Job-queue workers run inside the server process. The embedded PGlite store is
     * single-process, so `serve` starts one when this is 0 and the store is PGlite.
     */
    inProcessWorkers: z.number().int().min(0).max(16).default(0),
    /** Worker threads for /v1/tools runs (default: cores - 1, at least 1). */
    toolWorkers: z.number().int().min(1).max(64).optional(),
    /** Tool runs that may wait when every tool worker is busy; past that 503 with Retry-After (default 2 per worker). */
    toolQueueLimit: z.number().int().min(0).max(10_000).optional(),
    /** Wall time of one tool run before its worker is stopped (504); the request timeout also stops it. */
    toolTimeoutMs: z.number().int().positive().max(3_600_000).default(DEFAULT_TOOL_TIMEOUT_MS),
    /** Heap of each tool worker in MiB (a run past it fails with 413, the server stays up). */
    toolMemoryMb: z.number().int().min(16).max(65_536).default(DEFAULT_TOOL_MEMORY_MB),
    /** Write one JSON line per request to stderr. */
    requestLog: z.boolean().default(true),
  })
  .strict();

export type ServerOptions = z.infer<typeof serverOptionsSchema>;
export type ServerOptionsInput = z.input<typeof serverOptionsSchema>;
