import { describe, expect, it } from 'vitest';
import type { CostLedger, CostLedgerEntry } from '../../../src/router/cost-ledger.js';

/** What a suite run needs: the ledger, and a way to read back what it holds for a request id. */
export interface CostLedgerFixture {
  ledger: CostLedger;
  /** The entries recorded under this request id, in the order they were recorded. */
  readBack(requestId: string): Promise<CostLedgerEntry[]>;
}

let sequence = 0;

/** A ledger entry with a request id unique to this run. */
export function ledgerEntry(extra: Partial<CostLedgerEntry> = {}): CostLedgerEntry {
  sequence += 1;
  return {
    at: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, sequence % 1000)),
    tenant: 'acme',
    requestId: `req-${process.pid}-${sequence}-${Math.random().toString(36).slice(2)}`,
    route: 'documents',
    kind: 'chat',
    model: 'gpt-4o-mini',
    provider: 'openai',
    inputTokens: 1234,
    outputTokens: 56,
    cachedInputTokens: 1024,
    costUsd: 0.000_219_3,
    latencyMs: 812.5,
    cacheHit: false,
    outcome: 'ok',
    ...extra,
  };
}

/**
 * The CostLedger contract: every ledger keeps each recorded call whole (every field, the cost to
 * the last digit a double holds), keeps concurrent records apart, and keeps the calls of one request
 * under its id, in order.
 */
export function costLedgerContract(label: string, fixture: () => CostLedgerFixture): void {
  describe(`cost ledger contract: ${label}`, () => {
    it('keeps every field of a recorded call', async () => {
      const { ledger, readBack } = fixture();
      const entry = ledgerEntry();
      await ledger.record(entry);
      expect(await readBack(entry.requestId)).toEqual([entry]);
    });

    it('keeps tiny and zero costs, each kind and outcome, and cache hits', async () => {
      const { ledger, readBack } = fixture();
      const base = ledgerEntry();
      const entries = [
        { ...base, kind: 'embedding' as const, costUsd: 1.5e-9, inputTokens: 3, outputTokens: 0, cachedInputTokens: 0 },
        { ...base, kind: 'rerank' as const, costUsd: 0, outcome: 'error' as const, latencyMs: 0 },
        { ...base, kind: 'cache' as const, cacheHit: true, costUsd: 0, model: 'cache', provider: 'groundwork' },
        { ...base, kind: 'chat' as const, outcome: 'check-failed' as const, costUsd: 12.345678901234 },
      ];
      for (const entry of entries) await ledger.record(entry);
      expect(await readBack(base.requestId)).toEqual(entries);
    });

    it('keeps concurrent records apart, none lost', async () => {
      const { ledger, readBack } = fixture();
      const entries = Array.from({ length: 20 }, (_, i) => ledgerEntry({ tenant: i % 2 ? 'acme' : 'globex', costUsd: i / 1000 }));
      await Promise.all(entries.map((entry) => ledger.record(entry)));
      for (const entry of entries) expect(await readBack(entry.requestId)).toEqual([entry]);
    });
  });
}
