import type { AddressInfo } from 'node:net';
import type { Server, ServerResponse } from 'node:http';
import { serve } from '@hono/node-server';
import { GroundworkError } from '../errors.js';
import type { Groundwork } from '../groundwork.js';
import { createApp, type CreateAppOptions } from './create-app.js';
import { runIngestWorker } from './ingest-worker.js';
import { serverToolPool } from './routes/tools-route.js';
import { createServerMetrics } from './server-metrics.js';
import { serverOptionsSchema, type ServerOptionsInput } from './server-options.js';
import { createModelRegistry } from '../router/model-registry.js';
import { createMonitor } from '../monitor/monitor-service.js';
import { createArmServing } from '../registry/arm-middleware.js';
import { scheduleRolloutController } from '../registry/rollout-controller.js';
import { scheduleRetraining } from '../registry/retraining-queue.js';
import { lastPromotionFinder } from '../registry/last-promotion.js';

/**
 * After shutdownGraceMs, open streams are told to end (an `error` event, `data: [DONE]`) and get
 * this long to reach their clients before their connections are closed: writing a few hundred
 * bytes to a socket takes milliseconds, so one second is ample and bounds a stuck client.
 */
export const SHUTDOWN_FLUSH_MS = 1_000;

export interface StartServerOptions extends Omit<CreateAppOptions, 'server' | 'isDraining' | 'metrics' | 'shutdownSignal'> {
  groundwork: Groundwork;
  port?: number;
  host?: string;
  server?: ServerOptionsInput;
  /** Close groundwork (and its database) after the server has drained (default true). */
  closeGroundwork?: boolean;
}

/** A listening server. */
export interface RunningServer {
  /** `http://host:port` (the real port when 0 was asked for). */
  url: string;
  port: number;
  /**
   * Graceful shutdown: stop accepting connections, let in-flight requests finish (up to
   * shutdownGraceMs; then the rest end with 503, streams with an error event, given
   * SHUTDOWN_FLUSH_MS to reach their clients before their connections are closed), stop
   * in-process workers, then close groundwork and its database. Safe to call more than once.
   */
  close(): Promise<void>;
}

/**
 * Serves the app on @hono/node-server.
 * @example const { url, close } = await startServer({ groundwork, port: 0, server: { auth: false } });
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const server = serverOptionsSchema.parse({ ...options.server, ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host ? { host: options.host } : {}) });
  let draining = false;
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const metrics = createServerMetrics({ prices: options.prices ?? createModelRegistry(options.groundwork.config.router.models) });
  const stopRequests = new AbortController();
  // The server owns its tool workers (unless given a pool): they stop when it closes.
  const toolPool = options.toolPool ?? serverToolPool(server);
  // Telemetry and the scheduled checks (config.monitor), unless given one: the server owns it and closes it.
  const monitorOptions = options.groundwork.config.monitor;
  const monitor =
    options.monitor ??
    (monitorOptions.enabled
      ? createMonitor({ db: options.groundwork.db, options: monitorOptions, registry: metrics.registry, terms: (text) => options.groundwork.analyzer.terms(text), schedule: true, lastPromotion: lastPromotionFinder(options.groundwork.db) })
      : undefined);
  // Registry arms (A/B tests, canaries) on the answer routes, and the controller that moves canaries
  // and decides A/B tests every minute; both the server's own unless given.
  const registryOptions = options.groundwork.config.registry;
  const arms = options.arms ?? createArmServing(options.groundwork, { refreshMs: registryOptions.armRefreshMs, keepQuestions: registryOptions.retraining.enabled });
  const controller = scheduleRolloutController({ registry: arms.registry, intervalMs: registryOptions.controllerIntervalMs });
  // Retraining from feedback (weekly, or on drift) when enabled: the runs are a queue in the database.
  const retraining = registryOptions.retraining.enabled
    ? scheduleRetraining({ base: options.groundwork, registry: arms.registry, options: registryOptions.retraining, workerId: `server:${process.pid}` })
    : undefined;
  const app = createApp(options.groundwork, { ...options, toolPool, server, metrics, monitor, arms, isDraining: () => draining, shutdownSignal: stopRequests.signal });

  const listening = await new Promise<Server>((resolve, reject) => {
    const instance = serve(
      {
        fetch: async (request, env) => {
          inFlight += 1;
          try {
            const response = await app.fetch(request, env);
            if (draining && response instanceof Response) {
              try {
                response.headers.set('Connection', 'close');
              } catch {
                // immutable headers: the socket still closes once the server has closed
              }
            }
            return response;
          } finally {
            inFlight -= 1;
            if (inFlight === 0) drained?.();
          }
        },
        port: server.port,
        hostname: server.host,
      },
      () => resolve(instance as Server),
    ) as Server;
    instance.once('error', reject);
  });
  // A keep-alive connection whose response ends while draining would stay open until the grace
  // ran out (server.close only closes connections idle at the time): close it once it is idle.
  listening.on('request', (_request, response: ServerResponse) => {
    response.once('finish', () => {
      if (draining) setImmediate(() => listening.closeIdleConnections());
    });
  });
  const address = listening.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const workerStop = new AbortController();
  const workers = Array.from({ length: server.inProcessWorkers }, (_, i) =>
    runIngestWorker({ groundwork: options.groundwork, loaders: options.loaders, signal: workerStop.signal, workerId: `server:${process.pid}:${i}` }).catch((error: unknown) => {
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'in-process ingest worker stopped', error: (error as Error)?.message ?? String(error) })}\n`);
    }),
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
      listening.closeIdleConnections();
      // Streams and long answers count as in flight until their handler returns; a streamed
      // body may still be sending after that, so wait for the sockets too (server.close).
      const idle = inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (drained = resolve));
      const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), server.shutdownGraceMs).unref());
      if ((await Promise.race([Promise.all([idle, closed]), grace])) === 'timeout') {
        stopRequests.abort(new GroundworkError('UNAVAILABLE', 'the server is shutting down and stopped this request; retry it'));
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref())]);
        listening.closeAllConnections();
      }
      await closed;
      if (!options.toolPool) await toolPool.close();
      workerStop.abort();
      await Promise.all(workers);
      // The last telemetry rows are written before the database closes.
      if (!options.monitor) await monitor?.close();
      await controller.stop();
      await retraining?.stop();
      if (!options.arms) await arms.close();
      if (options.closeGroundwork !== false) await options.groundwork.close();
    })();
    return closing;
  };
  return { url: `http://${host}:${address.port}`, port: address.port, close };
}
