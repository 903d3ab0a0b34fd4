import type { Queryable } from '../db/types.js';
import { GLOBAL_SCOPE } from './entry-kinds.js';

/**
 * When a tenant's served configuration last changed: its latest promotion to production (its own
 * or a global entry's). The monitor compares drift against the window after it (its `pinned`
 * reference). With no tenant (the admin's all-tenant report), the latest change anywhere.
 */
export function lastPromotionFinder(db: Queryable): (tenant: string | null) => Promise<Date | undefined> {
  return async (tenant) => {
    const { rows } = await db.query<{ at: Date | null }>(
      `SELECT max(created_at) AS at FROM registry_promotions WHERE to_stage = 'production' AND ($1::text IS NULL OR tenant = ANY(ARRAY[$1::text, $2::text]))`,
      [tenant, GLOBAL_SCOPE],
    );
    return rows[0]?.at ?? undefined;
  };
}
