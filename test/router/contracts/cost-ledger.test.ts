import { afterAll, beforeAll, describe } from 'vitest';
import { migrate, readMigrations } from '../../../src/db/migrate.js';
import type { Db } from '../../../src/db/types.js';
import { createMemoryCostLedger, createSqlCostLedger, type CostLedger, type CostLedgerEntry } from '../../../src/router/cost-ledger.js';
import { driverCases } from '../../helpers/db-drivers.js';
import { costLedgerContract, type CostLedgerFixture } from './cost-ledger.contract.js';

// Every CostLedger: the SQL ledger on each driver, and the in-memory one.

/** Only the migrations the ledger needs, so others' migrations in progress cannot break this suite. */
const LEDGER_MIGRATIONS = ['0001_init.sql', '0003_costs.sql'];

type Row = {
  at: Date; tenant: string; request_id: string; route: string; kind: CostLedgerEntry['kind']; model: string; provider: string;
  input_tokens: number; output_tokens: number; cached_input_tokens: number; cost_usd: number; latency_ms: number; cache_hit: boolean; outcome: CostLedgerEntry['outcome'];
};

async function readSqlLedger(db: Db, requestId: string): Promise<CostLedgerEntry[]> {
  const { rows } = await db.query<Row>(
    `SELECT at, tenant, request_id, route, kind, model, provider, input_tokens, output_tokens, cached_input_tokens,
            cost_usd::float8 AS cost_usd, latency_ms, cache_hit, outcome
       FROM cost_ledger WHERE request_id = $1 ORDER BY id`,
    [requestId],
  );
  return rows.map((r) => ({
    at: r.at, tenant: r.tenant, requestId: r.request_id, route: r.route, kind: r.kind, model: r.model, provider: r.provider,
    inputTokens: r.input_tokens, outputTokens: r.output_tokens, cachedInputTokens: r.cached_input_tokens, costUsd: r.cost_usd,
    latencyMs: r.latency_ms, cacheHit: r.cache_hit, outcome: r.outcome,
  }));
}

for (const driver of await driverCases('cost_ledger_contract')) {
  describe(`SQL cost ledger on ${driver.name}`, () => {
    let db: Db;
    let ledger: CostLedger;
    beforeAll(async () => {
      db = await driver.open();
      await migrate(db, readMigrations().filter((m) => LEDGER_MIGRATIONS.includes(m.name)));
      ledger = createSqlCostLedger(db);
    }, 60_000);
    afterAll(async () => db?.close());
    costLedgerContract(`SQL on ${driver.name}`, (): CostLedgerFixture => ({ ledger, readBack: (requestId) => readSqlLedger(db, requestId) }));
  });
}

describe('in-memory cost ledger', () => {
  const ledger = createMemoryCostLedger();
  costLedgerContract('in memory', (): CostLedgerFixture => ({ ledger, readBack: async (requestId) => ledger.entries.filter((e) => e.requestId === requestId) }));
});
