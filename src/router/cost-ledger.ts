import type { Db } from '../db/types.js';

/** One recorded call. */
export interface CostLedgerEntry {
  at: Date;
  tenant: string;
  /** Groups the calls of one query (cost per query sums over it). */
  requestId: string;
  /** Which path served it: `documents`, `tool`, `embed`, `cache`, ... */
  route: string;
  kind: 'chat' | 'embedding' | 'rerank' | 'cache';
  model: string;
  provider: string;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number;
  latencyMs: number;
  cacheHit: boolean;
  /** `check-failed`: the cascade's answer check rejected this answer and escalated. */
  outcome: 'ok' | 'error' | 'check-failed';
}

/** Where calls are recorded. */
export interface CostLedger {
  record(entry: CostLedgerEntry): Promise<void>;
}

const INSERT_SQL = `INSERT INTO cost_ledger
  (at, tenant, request_id, route, kind, model, provider, input_tokens, output_tokens, cached_input_tokens, cost_usd, latency_ms, cache_hit, outcome)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::numeric, $12, $13, $14)`;

/** The ledger in the database table cost_ledger (migrations/0003_costs.sql). */
export function createSqlCostLedger(db: Db): CostLedger {
  return {
    async record(e) {
      await db.query(INSERT_SQL, [
        e.at,
        e.tenant,
        e.requestId,
        e.route,
        e.kind,
        e.model,
        e.provider,
        e.inputTokens,
        e.outputTokens,
        e.cachedInputTokens,
        e.costUsd,
        e.latencyMs,
        e.cacheHit,
        e.outcome,
      ]);
    },
  };
}

/** A ledger that keeps entries in an array (tests, benchmarks). */
export function createMemoryCostLedger(): CostLedger & { readonly entries: readonly CostLedgerEntry[] } {
  const entries: CostLedgerEntry[] = [];
  return {
    entries,
    async record(entry) {
      entries.push(entry);
    },
  };
}
