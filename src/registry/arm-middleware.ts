import type { MiddlewareHandler } from 'hono';
import type { Groundwork } from '../groundwork.js';
import type { AppEnv, Principal } from '../server/app-env.js';
import type { AnsweredQuestion, RequestArm } from './request-arm.js';
import { createArmResolver, type ArmChoice, type ArmResolver } from './arm-resolver.js';
import { createEntryGroundworks, type EntryGroundworks } from './entry-groundwork.js';
import { createRegistryStore, type RegistryStore } from './registry-store.js';
import { stderrRegistryLog, type RegistryLog } from './canary-controller.js';

declare module '../server/app-env.js' {
  interface AppVariables {
    /** The registry entry that served this request (A/B or canary arm, else the production answer-config); telemetry records it. */
    arm?: string;
    /** The request's arm serving, set on the answer paths (ARM_PATHS) when the server serves arms. */
    requestArm?: RequestArm;
  }
}

/** The answer paths an arm serves (the routes whose answers the registry's entries change). */
export const ARM_PATHS = ['/v1/ask', '/v1/chat/completions', '/mcp'] as const;

/** Headers that name the unit of assignment, in order of preference. */
export const UNIT_HEADERS = ['x-groundwork-user', 'x-session-id'] as const;

/** What the server holds to serve arms: the registry, the per-tenant resolver and a Groundwork per entry set. */
export interface ArmServing {
  registry: RegistryStore;
  resolver: ArmResolver;
  groundworks: EntryGroundworks;
  /** Records an answered question off the request path (errors are logged, never the request's). */
  keepQuestion(tenant: string, requestId: string, question: string, answer: AnsweredQuestion): void;
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
    keepQuestion(tenant, requestId, question, answer) {
      // Questions are kept only for retraining (registry.retraining.enabled), not as a matter of course.
      if (!options.keepQuestions) return;
      const write = base.db
        .query('INSERT INTO registry_served_questions (tenant, request_id, question, refused, cited_documents) VALUES ($1, $2, $3, $4, $5::jsonb) ON CONFLICT (tenant, request_id) DO NOTHING', [
          tenant,
          requestId,
          question,
          answer.refused,
          JSON.stringify(answer.refused ? [] : answer.citedDocuments),
        ])
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
 * The unit of assignment of a request: x-groundwork-user, else x-session-id, else the API key;
 * without any, every anonymous caller is one unit.
 */
export function armUnit(principal: Principal | undefined, header: (name: string) => string | undefined): string {
  return header(UNIT_HEADERS[0]) ?? header(UNIT_HEADERS[1]) ?? (principal?.kind === 'key' ? `key:${principal.keyId}` : 'anonymous');
}

/** The arm of a unit in a tenant: the resolver's choice, cheap once the tenant's state is in memory. */
export async function chooseArm(serving: Pick<ArmServing, 'resolver'>, tenant: string, unit: string): Promise<ArmChoice> {
  return serving.resolver.peek(tenant, unit) ?? (await serving.resolver.resolve(tenant, unit));
}

/**
 * Sets `requestArm` on a POST to an answer path: the route calls `groundworkFor(tenant)` once it
 * knows the tenant it acts on (the key's, or without auth the named one, else the default), and
 * the arm follows that tenant and this request's unit (armUnit). Mount after auth.
 */
export function armMiddleware(serving: ArmServing): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.method !== 'POST') return next();
    const unit = armUnit(c.get('principal'), (name) => c.req.header(name));
    c.set('requestArm', {
      async groundworkFor(tenant) {
        const choice = await chooseArm(serving, tenant, unit);
        if (choice.arm !== undefined) c.set('arm', choice.arm);
        return serving.groundworks.get(choice.entries, choice.key);
      },
      answered: (tenant, requestId, question, answer) => serving.keepQuestion(tenant, requestId, question, answer),
    });
    await next();
  };
}
