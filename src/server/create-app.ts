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
import { rateLimitMiddleware, timeoutMiddleware } from './request-guards.js';
import { requestLogMiddleware, stderrLogSink, type LogSink } from './request-log.js';
import { registerAskRoute } from './routes/ask-route.js';
import { registerChatCompletionsRoute } from './routes/chat-completions-route.js';
import { registerDocumentsRoutes } from './routes/documents-routes.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerJobsRoute } from './routes/jobs-route.js';
import { registerRetrieveRoute } from './routes/retrieve-route.js';
import { registerToolsRoute, toolCatalog, type ToolCatalog } from './routes/tools-route.js';
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
  app.use(requestLogMiddleware(metrics, sink));
  app.use('/v1/*', timeoutMiddleware(server.requestTimeoutMs));
  app.use('/v1/*', jsonBodyLimit(server.bodyLimitBytes));
  app.use('/v1/*', authMiddleware(groundwork.db, server.auth));
  app.use('/v1/*', rateLimitMiddleware(createTokenBucketLimiter(server.rateLimitPerMinute), metrics));
  app.use('/v1/*', concurrencyLimitMiddleware(createSemaphore(server.maxConcurrentRequests), server.requestTimeoutMs));

  registerHealthRoutes(app, { ...deps, isDraining: options.isDraining ?? (() => false) });
  registerAskRoute(app, deps);
  registerRetrieveRoute(app, deps);
  registerChatCompletionsRoute(app, deps);
  registerDocumentsRoutes(app, { ...deps, loaders: uploadLoaders(options.loaders) });
  registerJobsRoute(app, deps);
  registerToolsRoute(app, { ...deps, tools: options.tools ?? toolCatalog(classicMlTools) });

  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
  app.onError((error, c) => {
    const id = c.get('requestId');
    const { status, body } = toErrorResponse(error, id);
    c.set('errorCode', body.error.code);
    if (status >= 500 && !(error instanceof GroundworkError)) reportInternal(error, id);
    const retryAfter = body.error.details?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number') c.header('Retry-After', String(retryAfter));
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
