import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/models/types.js';
import { createMemoryCostLedger } from '../../src/router/cost-ledger.js';
import { meterEmbedder } from '../../src/router/metered-embedder.js';
import { createModelRegistry } from '../../src/router/model-registry.js';
import { createFakeClock } from './helpers/fake-clock.js';

const embedder = (fail = false): Embedder => ({
  id: 'openai:text-embedding-3-small',
  revision: '1',
  dimensions: 2,
  maxInputTokens: 8191,
  maxBatchSize: 16,
  countTokens: (text) => text.split(' ').length,
  embedDocuments: async (texts) => {
    if (fail) throw new Error('down');
    return texts.map(() => new Float32Array([1, 0]));
  },
  embedQuery: async () => new Float32Array([0, 1]),
});

describe('meterEmbedder', () => {
  it('records every embedding call with tokens and cost, failures included', async () => {
    const ledger = createMemoryCostLedger();
    const price = createModelRegistry().get('openai:text-embedding-3-small');
    const deps = { ledger, price, tenant: 'acme', requestId: () => 'ingest-1', clock: createFakeClock() };
    const metered = meterEmbedder(embedder(), deps);
    expect(await metered.embedDocuments(['one two three', 'four five'])).toHaveLength(2);
    await metered.embedQuery('a b');
    await expect(meterEmbedder(embedder(true), deps).embedDocuments(['x'])).rejects.toThrow('down');
    expect(ledger.entries.map((e) => [e.kind, e.route, e.inputTokens, e.outcome])).toEqual([
      ['embedding', 'embed', 5, 'ok'],
      ['embedding', 'embed', 2, 'ok'],
      ['embedding', 'embed', 0, 'error'],
    ]);
    expect(ledger.entries[0].costUsd).toBeCloseTo((5 * 0.02) / 1e6, 15);
    expect(metered.dimensions).toBe(2);
  });
});
