/** A successful reservation: settle it exactly once. */
export interface BudgetReservation {
  id: string;
  tenant: string;
  day: string;
  amountUsd: number;
}

/** The tenant's state for a day. */
export interface BudgetUsage {
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
}

export interface ReserveRequest {
  tenant: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  limitUsd: number;
  amountUsd: number;
  requestId: string;
  model: string;
}

/**
 * Where per-tenant daily budgets live. `reserve` must be atomic across processes: it either
 * adds amountUsd to reserved (keeping spent + reserved <= limit) and returns the reservation,
 * or changes nothing and returns the usage that refused it.
 */
export interface BudgetStore {
  reserve(request: ReserveRequest): Promise<{ ok: true; reservation: BudgetReservation } | { ok: false; usage: BudgetUsage }>;
  /** Moves the reservation to spent at the actual cost. Idempotent. */
  settle(reservation: BudgetReservation, actualUsd: number): Promise<void>;
  usage(tenant: string, day: string): Promise<BudgetUsage | undefined>;
}

/**
 * A single-process store in memory (tests, benchmarks, one-off CLI runs). It cannot protect a
 * budget shared by several processes; use createSqlBudgetStore for that.
 */
export function createMemoryBudgetStore(): BudgetStore {
  const budgets = new Map<string, BudgetUsage>();
  const open = new Map<string, BudgetReservation>();
  let next = 1;
  return {
    async reserve(request) {
      const key = `${request.tenant}\u0000${request.day}`;
      const usage = budgets.get(key) ?? { limitUsd: request.limitUsd, spentUsd: 0, reservedUsd: 0 };
      usage.limitUsd = request.limitUsd;
      if (usage.spentUsd + usage.reservedUsd + request.amountUsd > request.limitUsd) return { ok: false, usage: { ...usage } };
      usage.reservedUsd += request.amountUsd;
      budgets.set(key, usage);
      const reservation = { id: String(next++), tenant: request.tenant, day: request.day, amountUsd: request.amountUsd };
      open.set(reservation.id, reservation);
      return { ok: true, reservation };
    },
    async settle(reservation, actualUsd) {
      if (!open.delete(reservation.id)) return;
      const usage = budgets.get(`${reservation.tenant}\u0000${reservation.day}`)!;
      usage.reservedUsd = Math.max(0, usage.reservedUsd - reservation.amountUsd);
      usage.spentUsd += actualUsd;
    },
    async usage(tenant, day) {
      const usage = budgets.get(`${tenant}\u0000${day}`);
      return usage && { ...usage };
    },
  };
}
