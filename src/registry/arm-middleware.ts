import type { MiddlewareHandler } from 'hono';
import { isTenantName } from '../config/tenant-name.js';
import type { Groundwork } from '../groundwork.js';
import type { AppEnv } from '../server/app-env.js';
import { createArmResolver, type ArmResolver } from './arm-resolver.js';
import { createEntryGroundworks, type EntryGroundworks } from './entry-groundwork.js';
import { createRegistryStore, type RegistryStore } from './registry-store.js';
import { stderrRegistryLog, type RegistryLog } from './canary-controller.js';

declare module '../server/app-env.js' {
  interface AppVariables {
    /** The registry entry that serves this request (A/B or canary arm, else the production answer-config); telemetry records it. */
    arm?: string;
    /** The Groundwork of the request's arm (the base one when no entry applies). */
    armGroundwork?: () => Promise<Groundwork>;
  }
}

/** The answer paths an arm serves (the routes whose answers the registry's entries change). */
export const ARM_PATHS = ['/v1/ask', '/v1/chat/completions'] as const;

/** Headers that name the unit of assignment, in order of preference. */
export const UNIT_HEADERS = ['x-groundwork-user', 'x-session-id'] as const;

/** What the server holds to serve arms: the registry, the per-tenant resolver and a Groundwork per entry set. */
export interface ArmServing {
  registry: RegistryStore;
  resolver: ArmResolver;
  groundworks: EntryGroundworks;
  /** Records an answered question off the request path (errors are logged, never the request's). */
  keepQuestion(tenant: string, requestId: string, question: string, refused: boolean): void;
  close(): Promise<void>;
}

/** Builds arm serving over a base Groundwork (its database holds the registry); `keepQuestions` keeps answered questions for retraining. */
export function createArmServing(base: Groundwork, options: { refreshMs?: number; log?: RegistryLog; keepQuestions?: boolean } = {}): ArmServing {
  const registry = createRegistryStore(base.db);
  const groundworks = createEntryGroundworks(base);
  const log = options.log ?? stderrRegistryLog;
  const pending = new Set<Promise<unknown>>();
  return {
    registry,
    resolver: createArmResolver({ registry, refreshMs: options.refreshMs, log }),
    groundworks,
    keepQuestion(tenant, requestId, question, refused) {
      // Questions are kept only for retraining (registry.retraining.enabled), not as a matter of course.
      if (!options.keepQuestions) return;
      const write = base.db
        .query('INSERT INTO registry_served_questions (tenant, request_id, question, refused) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant, request_id) DO NOTHING', [tenant, requestId, question, refused])
        .catch((error: unknown) => log({ level: 'warn', msg: 'could not keep an answered question for retraining', tenant, requestId, error: (error as Error)?.message ?? String(error) }))
        .finally(() => pending.delete(write));
      pending.add(write);
    },
    async close() {
      await Promise.all(pending);
      await groundworks.close();
    },
  };
}

/**
 * Picks the arm of an answer request: the tenant (the key's, or without auth the body's `tenant`,
 * else the default), the unit (x-groundwork-user, else x-session-id, else the API key; without any,
 * every anonymous caller is one unit), then the resolver's choice, cheap once the tenant's state is
 * in memory. Sets `arm` and `armGroundwork`; mount after auth.
 */
export function armMiddleware(serving: ArmServing, defaultTenant: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const principal = c.get('principal');
    // Hono keeps the parsed body: the route reads the same object, not the stream again.
    const body = (await c.req.json().catch(() => undefined)) as { tenant?: unknown; question?: unknown } | undefined;
    let tenant = defaultTenant;
    if (principal?.kind === 'key') tenant = principal.tenant;
    // A bad tenant name is the route's 400 to give; the arm is then irrelevant.
    else if (isTenantName(body?.tenant)) tenant = body.tenant;
    const unit = c.req.header(UNIT_HEADERS[0]) ?? c.req.header(UNIT_HEADERS[1]) ?? (principal?.kind === 'key' ? `key:${principal.keyId}` : 'anonymous');
    const choice = serving.resolver.peek(tenant, unit) ?? (await serving.resolver.resolve(tenant, unit));
    if (choice.arm !== undefined) c.set('arm', choice.arm);
    c.set('armGroundwork', () => serving.groundworks.get(choice.entries, choice.key));
    await next();
    // Keep the question of an answered ask and whether it was refused, so a rating of it becomes a
    // labelled question (retraining). JSON answers only: a stream's outcome is not in its headers.
    if (c.req.path === '/v1/ask' && c.res.status === 200 && typeof body?.question === 'string' && c.res.headers.get('content-type')?.startsWith('application/json')) {
      const answer = (await c.res.clone().json().catch(() => undefined)) as { refused?: unknown } | undefined;
      if (typeof answer?.refused === 'boolean') serving.keepQuestion(tenant, c.get('requestId'), body.question, answer.refused);
    }
  };
}
