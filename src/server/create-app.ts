import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { requestId } from 'hono/request-id';
import { classicMlTools } from '../classic-ml/index.js';
import { GroundworkError } from '../errors.js';
import type { Groundwork } from '../groundwork.js';
import type { Loader } from '../ingest/types.js';
import { createModelRegistry, type ModelRegistry } from '../router/model-registry.js';
import type { AppEnv, RouteDeps } from './app-env.js';
import { authMiddleware } from './auth-middleware.js';
import { concurrencyLimitMiddleware, createSemaphore } from './concurrency-limit.js';
import { toErrorResponse } from './error-response.js';
import { createTokenBucketLimiter } from './rate-limiter.js';
import { CLIENT_CLOSED_CODE, CLIENT_CLOSED_REQUEST_STATUS, clientClosed, rateLimitMiddleware, timeoutMiddleware } from './request-guards.js';
import { requestLogMiddleware, stderrLogSink, type LogSink } from './request-log.js';
import { traceMiddleware } from '../monitor/tracing/trace-middleware.js';
import { registerAskRoute } from './routes/ask-route.js';
import { registerChatCompletionsRoute } from './routes/chat-completions-route.js';
import { registerDocumentsRoutes } from './routes/documents-routes.js';
import { registerDocumentReadRoute } from './routes/document-read-route.js';
import { registerExperimentsRoutes } from './routes/experiments-routes.js';
import { registerFeedbackRoute } from './routes/feedback-route.js';
import { registerUiRoute } from './ui-route.js';
import { registerEmbeddingsRoute } from './routes/embeddings-route.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerJobsRoute } from './routes/jobs-route.js';
import { registerKeysRoutes } from './routes/keys-routes.js';
import { queryEmbedderState } from '../monitor/embedding-drift.js';
import { registerMonitorRoutes } from '../monitor/monitor-routes.js';
import { lastPromotionFinder } from '../registry/last-promotion.js';
import type { Monitor } from '../monitor/monitor-service.js';
import { TELEMETRY_PATHS, telemetryMiddleware } from '../monitor/telemetry-middleware.js';
import { registerMcpRoute } from './mcp/mcp-route.js';
import { ARM_PATHS, armMiddleware, type ArmServing } from '../registry/arm-middleware.js';
import { registerRegistryRoutes } from '../registry/registry-routes.js';
import { registerModelsRoute } from './routes/models-route.js';
import { registerOpenApiRoute } from './routes/openapi-route.js';
import { registerRetrieveRoute } from './routes/retrieve-route.js';
import { registerToolsRoute, serverToolPool, toolCatalog, type ToolCatalog } from './routes/tools-route.js';
import type { ToolPool } from '../classic-ml/tool-pool.js';
import { createServerMetrics, type ServerMetrics } from './server-metrics.js';
import { serverOptionsSchema, type ServerOptions, type ServerOptionsInput } from './server-options.js';
import { uploadLoaders } from './upload-documents.js';

export interface CreateAppOptions {
  /** Server options (validated with serverOptionsSchema; defaults fill the rest). */
  server?: ServerOptionsInput | ServerOptions;
  /** Metrics registry holder; one per app by default. */
  metrics?: ServerMetrics;
  /** Tools for `/v1/tools/:name` (default: every classic-ML tool). */
  tools?: ToolCatalog;
  /** Worker threads the built-in tools run in (default: one from the server options; its idle workers never hold the process). */
  toolPool?: ToolPool;
  /** Extra loaders for uploads, beside the shipped ones (they win on shared extensions). */
  loaders?: readonly Loader[];
  /** Request log sink; `false` for none (default: JSON lines on stderr when `requestLog` is on). */
  log?: LogSink | false;
  /** Where unexpected errors (500s) are reported with their stack (default: a JSON line on stderr). */
  onInternalError?: (error: unknown, requestId: string) => void;
  /** Prices for the cost of streamed answers (default: the price table with the config's `router.models`). */
  prices?: ModelRegistry;
  /** True while the server drains for shutdown (/ready then says not ready). */
  isDraining?: () => boolean;
  /** Aborted (reason: the error to end with) when shutdown stops waiting: in-flight /v1 requests end with it, streams with an error event. */
  shutdownSignal?: AbortSignal;
  /** Telemetry and checks (startServer makes one from config.monitor); without one no telemetry is recorded. */
  monitor?: Monitor;
  /** Registry arms (A/B tests, canaries, production entries) for the answer routes; startServer makes one. Without it every request uses `groundwork`. */
  arms?: ArmServing;
}

/**
 * The groundwork HTTP app (Hono): the routes of the HTTP contract with auth, limits, metrics and
 * request logs. Serve it with startServer, or call `app.request()` in tests.
 * @example const app = createApp(await createGroundwork(), { server: { auth: false } });
 */
export function createApp(groundwork: Groundwork, options: CreateAppOptions = {}): Hono<AppEnv> {
  const server = serverOptionsSchema.parse(options.server ?? {});
  const metrics = options.metrics ?? createServerMetrics({ prices: options.prices ?? createModelRegistry(groundwork.config.router.models) });
  groundwork.cache.onEvent((event) => metrics.observeCacheEvent(event));
  const deps: RouteDeps = { groundwork, options: server, metrics };
  const sink = options.log === false || !server.requestLog ? undefined : (options.log ?? stderrLogSink);
  const reportInternal =
    options.onInternalError ??
    ((error: unknown, id: string) => {
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'unexpected error', requestId: id, error: (error as Error)?.stack ?? String(error) })}\n`);
    });

  const app = new Hono<AppEnv>();
  app.use(requestId());
  // The request's root span (a no-op unless tracing is on): every stage span of the request is under it.
  app.use(traceMiddleware());
  app.use(requestLogMiddleware(metrics, sink));
  // The API's guards, in order; /mcp (MCP over HTTP) passes the same ones, sharing their limits.
  const guards = [
    timeoutMiddleware(server.requestTimeoutMs, options.shutdownSignal),
    jsonBodyLimit(server.bodyLimitBytes),
    authMiddleware(groundwork.db, server.auth),
    rateLimitMiddleware(createTokenBucketLimiter(server.rateLimitPerMinute), metrics),
    concurrencyLimitMiddleware(createSemaphore(server.maxConcurrentRequests), server.requestTimeoutMs),
  ];
  for (const path of ['/v1/*', '/mcp']) app.use(path, ...guards);
  // After auth, so each telemetry row carries the caller's tenant.
  if (options.monitor) for (const path of Object.keys(TELEMETRY_PATHS)) app.use(path, telemetryMiddleware(options.monitor.telemetry, groundwork.config.tenant, { captureQueryEmbeddings: groundwork.embedder !== undefined }));
  // After auth: the arm follows the caller's tenant and key.
  if (options.arms) for (const path of ARM_PATHS) app.use(path, armMiddleware(options.arms));

  registerHealthRoutes(app, { ...deps, isDraining: options.isDraining ?? (() => false) });
  registerAskRoute(app, deps);
  registerRetrieveRoute(app, deps);
  registerChatCompletionsRoute(app, deps);
  registerModelsRoute(app, deps);
  registerEmbeddingsRoute(app, deps);
  registerMcpRoute(app, deps);
  registerDocumentsRoutes(app, { ...deps, loaders: uploadLoaders(options.loaders, groundwork.config.ingest) });
  registerDocumentReadRoute(app, deps);
  registerJobsRoute(app, deps);
  registerFeedbackRoute(app, deps);
  registerExperimentsRoutes(app, deps);
  registerUiRoute(app);
  registerKeysRoutes(app, deps);
  registerMonitorRoutes(app, {
    db: groundwork.db,
    options: groundwork.config.monitor,
    lastPromotion: lastPromotionFinder(groundwork.db),
    queryEmbedder: queryEmbedderState(groundwork.embedder, groundwork.config.models.embedder.provider),
  });
  if (options.arms) registerRegistryRoutes(app, { registry: options.arms.registry, defaultTenant: groundwork.config.tenant });
  registerOpenApiRoute(app, { tools: options.tools ?? toolCatalog(classicMlTools) });
  registerToolsRoute(app, { ...deps, tools: options.tools ?? toolCatalog(classicMlTools), toolPool: options.toolPool ?? serverToolPool(server) });

  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((error, c) => {
    if (clientClosed(c)) {
      // The client left (mid-body, mid-answer): whatever failed after that is not our error.
      c.set('errorCode', CLIENT_CLOSED_CODE);
      return c.body(null, CLIENT_CLOSED_REQUEST_STATUS as 400);
    }
    const id = c.get('requestId');
    const { status, body } = toErrorResponse(error, id);
    c.set('errorCode', body.error.code);
    if (status >= 500 && !(error instanceof GroundworkError)) reportInternal(error, id);
    const retryAfter = body.error.details?.retryAfterSeconds;
    if ((status === 429 || status === 503) && typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
    return c.json(body, status as 400);
  });
  return app;
}

/** The JSON body limit for every /v1 route but the multipart upload (which has its own). */
function jsonBodyLimit(maxSize: number): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize,
    onError: () => {
      throw new GroundworkError('TOO_LARGE', `request body is larger than the server's limit of ${maxSize} bytes`, { details: { limitBytes: maxSize } });
    },
  });
  return async (c, next) => (c.req.method === 'POST' && c.req.path === '/v1/documents' ? next() : limit(c, next));
}
