export { createApp, type CreateAppOptions } from './create-app.js';
export { startServer, SHUTDOWN_FLUSH_MS, type RunningServer, type StartServerOptions } from './start-server.js';
export {
  serverOptionsSchema,
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_HOST,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_PORT,
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
  DEFAULT_UPLOAD_JOB_THRESHOLD_BYTES,
  DEFAULT_UPLOAD_LIMIT_BYTES,
  type ServerOptions,
  type ServerOptionsInput,
} from './server-options.js';
export { createSemaphore, type Semaphore } from './concurrency-limit.js';
export { errorStatus } from './error-status.js';
export { toErrorResponse, type ErrorBody } from './error-response.js';
export { createApiKey, bootstrapAdminKey, listApiKeys, revokeApiKey, findApiKey, hashApiKeySecret, API_KEY_SECRET_PREFIX, type ApiKeyInfo, type CreatedApiKey } from './api-keys.js';
export { openApiDocument } from './openapi-document.js';
export { redactPaths } from './redact-paths.js';
export { CLIENT_CLOSED_REQUEST_STATUS } from './request-guards.js';
export { createServerMetrics, type ServerMetrics } from './server-metrics.js';
export { createTokenBucketLimiter, type RateLimiter, type RateDecision } from './rate-limiter.js';
export {
  claimIngestJob,
  completeIngestJob,
  enqueueIngestJob,
  failIngestJob,
  getIngestJob,
  renewJobLease,
  DEFAULT_JOB_LEASE_MS,
  type ClaimedJob,
  type IngestJob,
  type JobStatus,
} from './ingest-jobs.js';
export { runIngestWorker, DEFAULT_WORKER_POLL_MS, type IngestWorkerOptions, type IngestWorkerSummary } from './ingest-worker.js';
export { toolCatalog, type ToolCatalog } from './routes/tools-route.js';
export type { RequestLogLine, LogSink } from './request-log.js';
export type { AppEnv, Principal } from './app-env.js';
