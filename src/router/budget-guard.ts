import { GroundworkError } from '../errors.js';
import type { BudgetReservation, BudgetStore } from './budget-store.js';
import type { Clock } from './clock.js';
import type { ModelInfo } from './price-table.js';
import { worstCaseCost } from './usage-cost.js';

/** Budget settings (see routerOptionsSchema.budgets). Null limits are off. */
export interface BudgetSettings {
  perRequestUsd: number | null;
  dailyPerTenantUsd: number | null;
  /** Per-tenant daily limits that replace dailyPerTenantUsd. */
  tenants: Record<string, number>;
  /** Multiplies the input token estimate in the worst case (estimates run low on code and non-English text). */
  safetyMargin: number;
}

/** One call's hold on the budgets: settle it with the actual cost, or with 0 when the call failed before billing. */
export interface BudgetHold {
  readonly worstCaseUsd: number;
  settle(actualUsd: number): Promise<void>;
}

/** Checks the per-request cap and reserves the tenant's daily budget before each call. */
export interface BudgetGuard {
  /**
   * Reserves the worst case of one call, or throws GroundworkError('BUDGET_EXCEEDED') (HTTP 429)
   * before anything is spent. `requestSpentUsd` is what this request has already committed.
   */
  reserve(args: { tenant: string; requestId: string; model: ModelInfo; inputTokens: number; maxTokens: number; requestSpentUsd: number }): Promise<BudgetHold>;
}

/** UTC day of a timestamp, YYYY-MM-DD (budgets roll over at 00:00 UTC). */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Builds the guard over a store (SQL for shared budgets, memory for one process). */
export function createBudgetGuard(settings: BudgetSettings, deps: { store?: BudgetStore; clock: Clock }): BudgetGuard {
  return {
    async reserve({ tenant, requestId, model, inputTokens, maxTokens, requestSpentUsd }) {
      const worst = worstCaseCost(model, inputTokens, maxTokens, settings.safetyMargin);
      if (settings.perRequestUsd !== null && requestSpentUsd + worst > settings.perRequestUsd) {
        throw new GroundworkError(
          'BUDGET_EXCEEDED',
          `request cost cap $${settings.perRequestUsd} would be exceeded: ${model.id} may cost up to $${worst.toFixed(6)} (${inputTokens} input tokens x ${settings.safetyMargin}, ${maxTokens} max output) after $${requestSpentUsd.toFixed(6)} already committed`,
          { details: { scope: 'request', limitUsd: settings.perRequestUsd, worstCaseUsd: worst, committedUsd: requestSpentUsd, model: model.id } },
        );
      }
      const limit = settings.tenants[tenant] ?? settings.dailyPerTenantUsd;
      if (limit === null || worst === 0) return { worstCaseUsd: worst, settle: async () => {} };
      if (!deps.store) throw new GroundworkError('CONFIG', 'a daily tenant budget is set but the router has no budget store');
      const day = utcDay(deps.clock.now());
      const result = await deps.store.reserve({ tenant, day, limitUsd: limit, amountUsd: worst, requestId, model: model.id });
      if (!result.ok) {
        const { spentUsd, reservedUsd } = result.usage;
        throw new GroundworkError(
          'BUDGET_EXCEEDED',
          `daily budget of tenant "${tenant}" for ${day} is $${limit}: $${spentUsd.toFixed(6)} spent and $${reservedUsd.toFixed(6)} reserved leave too little for ${model.id} (up to $${worst.toFixed(6)})`,
          { details: { scope: 'tenant-day', tenant, day, limitUsd: limit, spentUsd, reservedUsd, worstCaseUsd: worst, model: model.id } },
        );
      }
      const reservation: BudgetReservation = result.reservation;
      let settled = false;
      return {
        worstCaseUsd: worst,
        async settle(actualUsd) {
          if (settled) return;
          settled = true;
          await deps.store!.settle(reservation, actualUsd);
        },
      };
    },
  };
}
