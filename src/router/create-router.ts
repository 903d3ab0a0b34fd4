import { randomUUID } from 'node:crypto';
import { ConfigError, GroundworkError, InputError } from '../errors.js';
import type { ChatModel, Usage } from '../models/types.js';
import { checkAnswer, type AnswerCheckInput, type AnswerCheckResult } from './answer-check.js';
import { createBudgetGuard, type BudgetGuard } from './budget-guard.js';
import type { BudgetStore } from './budget-store.js';
import { createSystemClock, type Clock } from './clock.js';
import type { CostLedger } from './cost-ledger.js';
import { createModelRegistry, type ModelRegistry } from './model-registry.js';
import type { ModelInfo } from './price-table.js';
import { createProviderResilience, type ProviderResilience, type ResilienceEvents } from './provider-resilience.js';
import { isRetryableError } from './retry-with-backoff.js';
import { routerOptionsSchema, type RouterOptions, type RouterPolicy } from './router-options.js';
import { selectCheapestCapable, type CandidateScore } from './select-cheapest-capable.js';
import { createRuleBasedPredictor, type PredictorFeatures, type SuccessPredictor } from './success-predictor.js';
import { costOfUsage } from './usage-cost.js';
import { startModelCallSpan, traceModelCall } from '../monitor/tracing/model-call-span.js';
import { traceAnswerCheck } from '../monitor/tracing/answer-check-span.js';

/** One request as the router sees it. */
export interface RouterRequest {
  tenant: string;
  /** Groups ledger rows; generated when absent. */
  requestId?: string;
  /** Ledger route label (default `documents`). */
  route?: string;
  /** Estimated prompt tokens (system + context + question). */
  inputTokens: number;
  /** Output cap; default options.maxTokens. */
  maxTokens?: number;
  /** Features for the success predictor (extractRoutingFeatures). */
  features?: PredictorFeatures;
  signal?: AbortSignal;
}

/** What `run` receives besides the model. */
export interface RunContext {
  info: ModelInfo;
  /** Aborts on timeout or when the request is cancelled: pass it to ChatModel.generate. */
  signal: AbortSignal;
  attempt: number;
  maxTokens: number;
}

/** What `run` must return: usage for costs and, for the cascade, the answer-check input. */
export interface RunOutput {
  usage: Usage;
  check?: AnswerCheckInput;
  cacheHit?: boolean;
}

/** One model call in a routed request. */
export interface RouteStep {
  model: string;
  outcome: 'ok' | 'error' | 'check-failed';
  costUsd: number;
  latencyMs: number;
  error?: string;
  check?: AnswerCheckResult;
}

/** Why the router answered as it did. */
export interface RouteDecision {
  policy: RouterPolicy['kind'];
  model: string;
  steps: RouteStep[];
  candidates?: CandidateScore[];
  /** cheapest-capable: whether any model cleared the target. */
  clearedTarget?: boolean;
  /** cascade: set when escalation was needed but the budget refused it or the larger model was unavailable. */
  escalationBlocked?: string;
}

export interface RoutedAnswer<R> {
  result: R;
  requestId: string;
  model: string;
  costUsd: number;
  decision: RouteDecision;
}

/** Routes requests to models by policy, with resilience, budgets and a cost ledger. */
export interface Router {
  readonly policy: RouterPolicy;
  answer<R extends RunOutput>(request: RouterRequest, run: (model: ChatModel, context: RunContext) => Promise<R>): Promise<RoutedAnswer<R>>;
  /**
   * A streamed answer under the same budgets and ledger as `answer`: the budget is reserved before
   * the first token (a refusal throws BUDGET_EXCEEDED, nothing streamed), and one ledger row is
   * written when the stream ends, however it ends. The model is the policy's first choice (fixed:
   * its model; cheapest-capable: its pick; fallback and cascade: their first model): a stream
   * cannot be checked or retried once its tokens have gone out. `usageOf` reads the usage from the
   * events that carry it.
   */
  stream<E>(request: RouterRequest, run: (model: ChatModel, context: RunContext) => AsyncIterable<E>, usageOf: (event: E) => Usage | undefined): AsyncGenerator<E>;
  /** The per-provider resilience wrappers (circuit state for /ready and metrics). */
  readonly providers: ReadonlyMap<string, ProviderResilience>;
}

export interface CreateRouterArgs {
  models: readonly ChatModel[];
  policy?: RouterPolicy;
  /** Parsed router options; defaults from routerOptionsSchema. */
  options?: RouterOptions;
  registry?: ModelRegistry;
  /** A ready guard, or built from options.budgets with budgetStore. */
  budgets?: BudgetGuard;
  budgetStore?: BudgetStore;
  ledger?: CostLedger;
  predictor?: SuccessPredictor;
  clock?: Clock;
  random?: () => number;
  events?: ResilienceEvents;
}

/**
 * Builds a router. Validates at creation that every policy model is among `models` and priced.
 * @example
 * const router = createRouter({ models: [mini, large], policy: { kind: 'cascade', models: [mini.id, large.id] } });
 * const { result } = await router.answer({ tenant, inputTokens }, (model, ctx) => answerWith(model, ctx.signal));
 */
export function createRouter(args: CreateRouterArgs): Router {
  const options = args.options ?? routerOptionsSchema.parse({});
  const policy = args.policy ?? options.policy;
  const registry = args.registry ?? createModelRegistry(options.models);
  const clock = args.clock ?? createSystemClock();
  const predictor = args.predictor ?? createRuleBasedPredictor();
  const byId = new Map(args.models.map((m) => [m.id, m]));
  const policyIds = policy.kind === 'fixed' ? [policy.model] : policy.models;
  for (const id of policyIds) if (!byId.has(id)) throw new ConfigError('router.policy.models', id, `one of the configured chat models (${[...byId.keys()].join(', ')})`);
  const infos = new Map(policyIds.map((id) => [id, registry.get(id)]));
  const hasLimits = options.budgets.perRequestUsd !== null || options.budgets.dailyPerTenantUsd !== null || Object.keys(options.budgets.tenants).length > 0;
  if (!args.budgets && (options.budgets.dailyPerTenantUsd !== null || Object.keys(options.budgets.tenants).length > 0) && !args.budgetStore) {
    throw new ConfigError('router.budgets.dailyPerTenantUsd', options.budgets.dailyPerTenantUsd, 'a budget store (the database) to keep daily budgets in');
  }
  const budgets = args.budgets ?? (hasLimits ? createBudgetGuard(options.budgets, { store: args.budgetStore, clock }) : undefined);
  const providers = new Map<string, ProviderResilience>();
  for (const id of policyIds) {
    const provider = byId.get(id)!.provider;
    if (providers.has(provider)) continue;
    const r = { ...options.resilience, ...options.providers[provider] };
    providers.set(
      provider,
      createProviderResilience(
        provider,
        {
          timeoutMs: r.timeoutMs,
          retry: { maxAttempts: r.maxAttempts, baseDelayMs: r.baseDelayMs, maxDelayMs: r.maxDelayMs, maxRetryAfterMs: r.maxRetryAfterMs },
          breaker: { failureThreshold: r.failureThreshold, windowMs: r.failureWindowMs, halfOpenAfterMs: r.halfOpenAfterMs },
          maxConcurrency: r.maxConcurrency,
          maxQueue: r.maxQueue,
        },
        { clock, random: args.random, events: args.events },
      ),
    );
  }

  const checkRequest = (request: RouterRequest): void => {
    if (!request.tenant) throw new InputError('tenant', 'required for routing (budgets and the ledger are per tenant)');
    if (!Number.isFinite(request.inputTokens) || request.inputTokens < 0) throw new InputError('inputTokens', `expected a non-negative number, got ${request.inputTokens}`);
  };
  /** The one ledger row of a model call, for answers and streams alike. */
  const recordStep = async (request: RouterRequest, requestId: string, step: RouteStep, startedAt: number, usage: Usage, cacheHit: boolean): Promise<void> => {
    await args.ledger?.record({
      at: new Date(startedAt),
      tenant: request.tenant,
      requestId,
      route: request.route ?? 'documents',
      kind: 'chat',
      model: step.model,
      provider: byId.get(step.model)!.provider,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      costUsd: step.costUsd,
      latencyMs: step.latencyMs,
      cacheHit,
      outcome: step.outcome,
    });
  };
  const record = recordStep;
  /** The model a policy tries first. */
  const firstChoice = (request: RouterRequest, maxTokens: number): string => {
    if (policy.kind === 'fixed') return policy.model;
    if (policy.kind === 'cheapest-capable') {
      const models = policy.models.map((id) => infos.get(id)!);
      return selectCheapestCapable(models, request.features ?? {}, predictor, policy.target, { input: request.inputTokens, output: maxTokens }).chosen.id;
    }
    return policy.models[0];
  };

  return {
    policy,
    providers,
    async *stream<E>(request: RouterRequest, run: (model: ChatModel, context: RunContext) => AsyncIterable<E>, usageOf: (event: E) => Usage | undefined): AsyncGenerator<E> {
      checkRequest(request);
      const requestId = request.requestId ?? randomUUID();
      const maxTokens = request.maxTokens ?? options.maxTokens;
      const id = firstChoice(request, maxTokens);
      const model = byId.get(id)!;
      const info = infos.get(id)!;
      const hold = budgets ? await budgets.reserve({ tenant: request.tenant, requestId, model: info, inputTokens: request.inputTokens, maxTokens, requestSpentUsd: 0 }) : undefined;
      const startedAt = clock.now();
      const modelSpan = startModelCallSpan({ model, maxTokens, policy: policy.kind, step: 1, stream: true });
      let usage: Usage = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 };
      let outcome: RouteStep['outcome'] = 'error';
      let costUsd = 0;
      let failure: unknown;
      try {
        const signal = request.signal ?? new AbortController().signal;
        for await (const event of run(model, { info, signal, attempt: 1, maxTokens })) {
          usage = usageOf(event) ?? usage;
          yield event;
        }
        outcome = 'ok';
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        // A stream cut short still used what it used: the usage seen so far is billed.
        costUsd = costOfUsage(info, usage);
        modelSpan.end({ usage, costUsd, error: failure, cutShort: outcome === 'error' && failure === undefined });
        await hold?.settle(costUsd);
        const step: RouteStep = { model: id, outcome, costUsd, latencyMs: clock.now() - startedAt };
        await record(request, requestId, step, startedAt, usage, usage.cachedInputTokens > 0);
      }
    },
    async answer<R extends RunOutput>(request: RouterRequest, run: (model: ChatModel, context: RunContext) => Promise<R>): Promise<RoutedAnswer<R>> {
      checkRequest(request);
      const requestId = request.requestId ?? randomUUID();
      const maxTokens = request.maxTokens ?? options.maxTokens;
      const steps: RouteStep[] = [];
      let committed = 0;
      const record = (step: RouteStep, startedAt: number, usage: Usage, cacheHit: boolean) => recordStep(request, requestId, step, startedAt, usage, cacheHit);

      /** One model call: reserve (may refuse before any spend), call through resilience, settle. Errors are recorded here. */
      const call = async (id: string): Promise<{ result: R; step: RouteStep; startedAt: number }> => {
        const model = byId.get(id)!;
        const info = infos.get(id)!;
        const hold = budgets ? await budgets.reserve({ tenant: request.tenant, requestId, model: info, inputTokens: request.inputTokens, maxTokens, requestSpentUsd: committed }) : undefined;
        const startedAt = clock.now();
        let result: R;
        try {
          // One span per model call (retries inside it are events), with the GenAI attributes.
          result = await traceModelCall(
            { model, maxTokens, policy: policy.kind, step: steps.length + 1 },
            (span) =>
              providers.get(model.provider)!.execute((signal, attempt) => {
                if (attempt > 1) span.addEvent('retry', { 'groundwork.attempt': attempt });
                return run(model, { info, signal, attempt, maxTokens });
              }, request.signal),
            (output) => ({ usage: output.usage, costUsd: costOfUsage(info, output.usage) }),
          );
        } catch (error) {
          // Failed calls are not billed by the providers we price; release the hold.
          await hold?.settle(0);
          const step: RouteStep = { model: id, outcome: 'error', costUsd: 0, latencyMs: clock.now() - startedAt, error: (error as Error).message };
          steps.push(step);
          await record(step, startedAt, { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 }, false);
          throw error;
        }
        const costUsd = costOfUsage(info, result.usage);
        await hold?.settle(costUsd);
        committed += costUsd;
        const step: RouteStep = { model: id, outcome: 'ok', costUsd, latencyMs: clock.now() - startedAt };
        steps.push(step);
        return { result, step, startedAt };
      };
      const recordCall = (done: { result: R; step: RouteStep; startedAt: number }) =>
        record(done.step, done.startedAt, done.result.usage, done.result.cacheHit ?? done.result.usage.cachedInputTokens > 0);
      const finish = async (done: { result: R; step: RouteStep; startedAt: number }, extra: Partial<RouteDecision> = {}): Promise<RoutedAnswer<R>> => {
        await recordCall(done);
        return {
          result: done.result,
          requestId,
          model: done.step.model,
          costUsd: steps.reduce((sum, s) => sum + s.costUsd, 0),
          decision: { policy: policy.kind, model: done.step.model, steps, ...extra },
        };
      };

      switch (policy.kind) {
        case 'fixed':
          return finish(await call(policy.model));
        case 'cheapest-capable': {
          const pick = selectCheapestCapable(
            policy.models.map((id) => infos.get(id)!),
            request.features ?? {},
            predictor,
            policy.target,
            { input: request.inputTokens, output: maxTokens },
          );
          return finish(await call(pick.chosen.id), { candidates: pick.candidates, clearedTarget: pick.cleared });
        }
        case 'fallback': {
          for (let i = 0; ; i++) {
            let done;
            try {
              done = await call(policy.models[i]);
            } catch (error) {
              if (i === policy.models.length - 1 || !shouldFallBack(error)) throw error;
              continue;
            }
            return finish(done);
          }
        }
        case 'cascade': {
          let done = await call(policy.models[0]);
          for (let i = 0; ; i++) {
            if (!done.result.check) throw new InputError('run result.check', 'the cascade policy needs the answer, citations, context and retrieval confidence to check');
            done.step.check = traceAnswerCheck(done.step.model, () => checkAnswer(done.result.check!, options.cascade));
            if (done.step.check.pass || i === policy.models.length - 1) return finish(done);
            let next;
            try {
              next = await call(policy.models[i + 1]);
            } catch (error) {
              const refused = error instanceof GroundworkError && error.code === 'BUDGET_EXCEEDED';
              // A budget refusal or an unavailable larger model: keep the answer we have and say why.
              if (refused || shouldFallBack(error)) return finish(done, { escalationBlocked: (error as Error).message });
              throw error;
            }
            done.step.outcome = 'check-failed';
            await recordCall(done);
            done = next;
          }
        }
      }
    },
  };
}

/** Errors after which the fallback policy tries the next model: retryable ones, open circuits, full queues. */
function shouldFallBack(error: unknown): boolean {
  if (isRetryableError(error)) return true;
  return error instanceof GroundworkError && (error.code === 'UNAVAILABLE' || error.code === 'RATE_LIMITED');
}
