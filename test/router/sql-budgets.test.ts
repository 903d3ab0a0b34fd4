import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';
import { createSqlCostLedger } from '../../src/router/cost-ledger.js';
import { costReport } from '../../src/router/cost-report.js';
import { createSqlBudgetStore, releaseStaleReservations } from '../../src/router/sql-budget-store.js';
import { COSTS_MIGRATION, openFreshCostsDb, prepareRouterTestDatabase, ROUTER_TEST_URL } from './helpers/postgres.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = fileURLToPath(new URL('./fixtures/budget-worker.ts', import.meta.url));
const unreachable = await prepareRouterTestDatabase();

/** The store and report contract, run on PostgreSQL and on PGlite. */
function storeContract(name: string, open: () => Promise<Db>, skip: string | undefined) {
  describe.skipIf(skip !== undefined)(`${name}: budget store and cost report${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await open();
    });
    afterAll(async () => db?.close());

    it('reserves within the limit, refuses beyond it without changing anything, settles once', async () => {
      const store = createSqlBudgetStore(db);
      const base = { tenant: `t-${name}`, day: '2025-01-15', limitUsd: 0.01, requestId: 'r1', model: 'm' };
      const first = await store.reserve({ ...base, amountUsd: 0.006 });
      expect(first.ok).toBe(true);
      const second = await store.reserve({ ...base, amountUsd: 0.005 });
      expect(second).toEqual({ ok: false, usage: { limitUsd: 0.01, spentUsd: 0, reservedUsd: 0.006 } });
      expect((await store.reserve({ ...base, tenant: 'fresh', amountUsd: 0.02 })).ok).toBe(false);
      expect(await store.usage('fresh', base.day)).toBeUndefined();
      if (!first.ok) throw new Error('unreachable');
      await store.settle(first.reservation, 0.004);
      await store.settle(first.reservation, 0.004); // idempotent
      expect(await store.usage(base.tenant, base.day)).toEqual({ limitUsd: 0.01, spentUsd: 0.004, reservedUsd: 0 });
      expect((await store.reserve({ ...base, amountUsd: 0.006 })).ok).toBe(true);
      expect(await releaseStaleReservations(db, 60_000)).toBe(0);
      expect(await releaseStaleReservations(db, -1000)).toBe(1); // everything open counts as stale
      expect(await store.usage(base.tenant, base.day)).toEqual({ limitUsd: 0.01, spentUsd: 0.01, reservedUsd: 0 });
    });

    it('reports cost per query p50/p95, per model and per day', async () => {
      const ledger = createSqlCostLedger(db);
      const entry = { tenant: `rep-${name}`, route: 'documents', kind: 'chat' as const, provider: 'openai', inputTokens: 100, outputTokens: 10, cachedInputTokens: 0, latencyMs: 50, cacheHit: false, outcome: 'ok' as const };
      const day1 = new Date('2025-02-01T10:00:00Z');
      const day2 = new Date('2025-02-02T10:00:00Z');
      // 20 queries: q0..q18 cost $0.001, q19 costs $0.101 (two calls)
      for (let i = 0; i < 19; i++) await ledger.record({ ...entry, at: day1, requestId: `q${i}`, model: 'openai:gpt-4o-mini', costUsd: 0.001 });
      await ledger.record({ ...entry, at: day2, requestId: 'q19', model: 'openai:gpt-4o-mini', costUsd: 0.001, outcome: 'check-failed' });
      await ledger.record({ ...entry, at: day2, requestId: 'q19', model: 'openai:gpt-4o', costUsd: 0.1, latencyMs: 900 });
      const report = await costReport(db, { since: new Date('2025-02-01T00:00:00Z'), until: new Date('2025-02-03T00:00:00Z'), tenant: entry.tenant });
      expect(report.queries.count).toBe(20);
      expect(report.queries.totalUsd).toBeCloseTo(0.12, 10);
      expect(report.queries.p50Usd).toBeCloseTo(0.001, 10);
      // percentile_cont(0.95) over 19 x 0.001 and 1 x 0.101: position 18.05 -> 0.001 + 0.05 x 0.1
      expect(report.queries.p95Usd).toBeCloseTo(0.006, 10);
      expect(report.perModel.map((m) => [m.model, m.calls])).toEqual([
        ['openai:gpt-4o', 1],
        ['openai:gpt-4o-mini', 20],
      ]);
      expect(report.perDay).toEqual([
        { day: '2025-02-01', queries: 19, calls: 19, costUsd: expect.closeTo(0.019, 10) },
        { day: '2025-02-02', queries: 1, calls: 2, costUsd: expect.closeTo(0.101, 10) },
      ]);
    });
  });
}

storeContract('postgres', openFreshCostsDb, unreachable);
storeContract(
  'pglite',
  async () => {
    const db = await openPgliteDb({ dataDir: 'memory://' });
    await db.exec(COSTS_MIGRATION);
    return db;
  },
  undefined,
);

describe.skipIf(unreachable !== undefined)(`budgets across two processes sharing PostgreSQL${unreachable ? ` (skipped: ${unreachable})` : ''}`, () => {
  it('50 concurrent requests in two processes never jointly overspend', async () => {
    const db = await openFreshCostsDb();
    try {
      const tenant = `acme-${Date.now()}`;
      const startAt = Date.now() + 2500; // both processes loaded before anyone fires
      const spawnWorker = () => run(process.execPath, ['--import', 'tsx', WORKER, ROUTER_TEST_URL, tenant, '25', String(startAt)], { cwd: ROOT, timeout: 30_000 });
      const results = (await Promise.all([spawnWorker(), spawnWorker()])).map((r) => JSON.parse(r.stdout) as { ok: number; refused: number; failed: string[] });
      expect(results.flatMap((r) => r.failed)).toEqual([]);
      // $0.02 a day at exactly $0.002 per call (worst case = actual): 10 calls fit, 40 are refused
      expect(results.reduce((s, r) => s + r.ok, 0)).toBe(10);
      expect(results.reduce((s, r) => s + r.refused, 0)).toBe(40);
      const budget = await db.query<{ spent: number; reserved: number; limit: number }>(
        'SELECT spent_usd::float8 AS spent, reserved_usd::float8 AS reserved, limit_usd::float8 AS "limit" FROM tenant_budgets WHERE tenant = $1',
        [tenant],
      );
      expect(budget.rows).toEqual([{ spent: 0.02, reserved: 0, limit: 0.02 }]);
      const ledger = await db.query<{ n: number; cost: number }>('SELECT count(*)::int AS n, sum(cost_usd)::float8 AS cost FROM cost_ledger WHERE tenant = $1', [tenant]);
      expect(ledger.rows[0]).toEqual({ n: 10, cost: 0.02 });
    } finally {
      await db.close();
    }
  });
});
