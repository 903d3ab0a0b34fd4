import type { Groundwork } from '../groundwork.js';
import type { ServerMetrics } from './server-metrics.js';
import type { ServerOptions } from './server-options.js';

/** Who is calling: the API key's tenant (and whether it may manage keys), or nobody in particular when auth is off. */
export type Principal = { kind: 'key'; keyId: number; tenant: string; admin: boolean } | { kind: 'anonymous' };

/** Per-request values set by the middleware. */
export interface AppVariables {
  requestId: string;
  principal: Principal;
  /** Aborted when the per-request timeout fires or the client goes away. */
  signal: AbortSignal;
  /** Set by the error handler, for the request log. */
  errorCode?: string;
  /** Set by a streaming route whose stream ended in an error after its 200 headers went out (streamFailed). */
  streamError?: { status: number; code: string };
}

/** Hono environment of the groundwork app. */
export interface AppEnv {
  Variables: AppVariables;
}

/** What every route gets. */
export interface RouteDeps {
  groundwork: Groundwork;
  options: ServerOptions;
  metrics: ServerMetrics;
}
