import type { Db } from '../db/types.js';
import type { BudgetStore, BudgetUsage } from './budget-store.js';

/**
 * Reserve in one statement. The INSERT creates the day's row only when the amount fits the
 * limit; ON CONFLICT locks the existing row and re-checks spent + reserved + amount <= limit on
 * its latest version, so concurrent reservations from any number of processes cannot jointly
 * overspend. The outer INSERT records the reservation only when the budget row was updated.
 */
const RESERVE_SQL = `
WITH budget AS (
  INSERT INTO tenant_budgets AS b (tenant, day, limit_usd, reserved_usd)
  SELECT $1, $2::date, $3::numeric, $4::numeric WHERE $4::numeric <= $3::numeric
  ON CONFLICT (tenant, day) DO UPDATE
    SET reserved_usd = b.reserved_usd + EXCLUDED.reserved_usd, limit_usd = EXCLUDED.limit_usd, updated_at = now()
    WHERE b.spent_usd + b.reserved_usd + EXCLUDED.reserved_usd <= EXCLUDED.limit_usd
  RETURNING b.tenant, b.day
)
INSERT INTO budget_reservations (tenant, day, request_id, model, amount_usd)
SELECT tenant, day, $5, $6, $4::numeric FROM budget
RETURNING id::text AS id`;

/** Settle once: mark the reservation and move its amount from reserved to the actual spend. */
const SETTLE_SQL = `
WITH r AS (
  UPDATE budget_reservations SET actual_usd = $2::numeric, settled_at = now()
  WHERE id = $1::bigint AND settled_at IS NULL
  RETURNING tenant, day, amount_usd
)
UPDATE tenant_budgets b
SET reserved_usd = GREATEST(0, b.reserved_usd - r.amount_usd), spent_usd = b.spent_usd + $2::numeric, updated_at = now()
FROM r WHERE b.tenant = r.tenant AND b.day = r.day`;

const USAGE_SQL = `SELECT limit_usd::float8 AS "limitUsd", spent_usd::float8 AS "spentUsd", reserved_usd::float8 AS "reservedUsd"
FROM tenant_budgets WHERE tenant = $1 AND day = $2::date`;

/** Budgets in the database (migrations/0003_costs.sql); safe across processes sharing PostgreSQL. */
export function createSqlBudgetStore(db: Db): BudgetStore {
  const usage = async (tenant: string, day: string): Promise<BudgetUsage | undefined> => (await db.query<BudgetUsage>(USAGE_SQL, [tenant, day])).rows[0];
  return {
    async reserve(request) {
      const result = await db.query<{ id: string }>(RESERVE_SQL, [request.tenant, request.day, request.limitUsd, request.amountUsd, request.requestId, request.model]);
      if (result.rows.length === 1) {
        return { ok: true, reservation: { id: result.rows[0].id, tenant: request.tenant, day: request.day, amountUsd: request.amountUsd } };
      }
      return { ok: false, usage: (await usage(request.tenant, request.day)) ?? { limitUsd: request.limitUsd, spentUsd: 0, reservedUsd: 0 } };
    },
    async settle(reservation, actualUsd) {
      await db.query(SETTLE_SQL, [reservation.id, actualUsd]);
    },
    usage,
  };
}

/**
 * Releases reservations older than `olderThanMs` that were never settled (their process died
 * mid-call): they are settled at their reserved amount, the conservative assumption that the
 * provider billed the worst case. Returns how many were released.
 */
export async function releaseStaleReservations(db: Db, olderThanMs: number): Promise<number> {
  const stale = await db.query<{ id: string; amount: number }>(
    `SELECT id::text AS id, amount_usd::float8 AS amount FROM budget_reservations
     WHERE settled_at IS NULL AND created_at < now() - ($1::float8 * interval '1 millisecond')`,
    [olderThanMs],
  );
  for (const row of stale.rows) await db.query(SETTLE_SQL, [row.id, row.amount]);
  return stale.rows.length;
}
