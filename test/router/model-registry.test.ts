import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createModelRegistry } from '../../src/router/model-registry.js';
import { PRICE_TABLE, PRICE_TABLE_DATE } from '../../src/router/price-table.js';
import { costOfUsage, worstCaseCost } from '../../src/router/usage-cost.js';

describe('model registry and prices', () => {
  it('ships OpenAI, Anthropic, Cohere and free local models with a date', () => {
    expect(PRICE_TABLE_DATE).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const providers = new Set(PRICE_TABLE.map((m) => m.provider));
    for (const p of ['openai', 'anthropic', 'cohere', 'local']) expect(providers.has(p)).toBe(true);
    for (const m of PRICE_TABLE.filter((m) => m.provider === 'local')) expect(m.inputPerMillion + m.outputPerMillion + m.perCallUsd).toBe(0);
    expect(createModelRegistry().get('openai:gpt-4o-mini')).toMatchObject({ inputPerMillion: 0.15, outputPerMillion: 0.6, tier: 'small' });
    expect(createModelRegistry().get('local:any/model').inputPerMillion).toBe(0);
  });

  it('applies config overrides field by field and adds new models', () => {
    const registry = createModelRegistry([
      { id: 'openai:gpt-4o-mini', inputPerMillion: 0.1 },
      { id: 'vllm:llama-3-8b', inputPerMillion: 0.05, outputPerMillion: 0.1, contextWindow: 8192, tier: 'small' },
    ]);
    expect(registry.get('openai:gpt-4o-mini')).toMatchObject({ inputPerMillion: 0.1, outputPerMillion: 0.6 });
    expect(registry.get('vllm:llama-3-8b')).toMatchObject({ provider: 'vllm', cachedInputPerMillion: 0.05, kind: 'chat' });
  });

  it('refuses unknown models and incomplete new entries, naming the key', () => {
    expect(() => createModelRegistry().get('openai:gpt-9')).toThrow(ConfigError);
    expect(() => createModelRegistry([{ id: 'x:y', inputPerMillion: 1 }])).toThrow(/router\.models\[0\].*outputPerMillion, contextWindow, tier/);
    expect(() => createModelRegistry([{ id: 'x:y', inputPerMillion: -1 } as never])).toThrow(/router\.models\[0\]/);
  });

  it('prices usage with cached input and bounds the worst case', () => {
    const mini = createModelRegistry().get('openai:gpt-4o-mini');
    // 1M uncached at 0.15 + 1M cached at 0.075 + 1M out at 0.6
    expect(costOfUsage(mini, { inputTokens: 2_000_000, cachedInputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(0.825, 10);
    expect(worstCaseCost(mini, 1000, 500, 1.2)).toBeCloseTo((1200 * 0.15 + 500 * 0.6) / 1e6, 12);
    expect(costOfUsage(createModelRegistry().get('cohere:rerank-v3.5'), { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0 })).toBeCloseTo(0.002, 10);
  });
});
