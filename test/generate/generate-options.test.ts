import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { createChatModelFromOptions } from '../../src/generate/create-chat-model-from-options.js';
import { generateOptionsSchema } from '../../src/generate/generate-options.js';
import { isExtractiveAnswerer } from '../../src/generate/extractive-answerer.js';

describe('generateOptionsSchema', () => {
  it('defaults to the offline extractive answerer with documented budgets', () => {
    expect(generateOptionsSchema.parse({})).toEqual({
      provider: 'extractive',
      refusalThreshold: 0.1,
      maxContextTokens: 6000,
      maxOutputTokens: 1024,
      temperature: 0,
      historyShare: 0.25,
      timeoutMs: 60_000,
      maxSentences: 3,
      encoding: 'o200k_base',
      refusal: { maxFalseRefusal: 0.05 },
      answerability: { model: 'default' },
    });
    expect(() => generateOptionsSchema.parse({ refusal: { maxFalseRefusal: 0.9 } })).toThrow();
    expect(() => generateOptionsSchema.parse({ provider: 'cohere' })).toThrow();
    expect(() => generateOptionsSchema.parse({ refusalThreshold: 1.5 })).toThrow();
    expect(() => generateOptionsSchema.parse({ unknownKey: 1 })).toThrow();
  });
});

describe('createChatModelFromOptions', () => {
  it('builds each provider with its default model', () => {
    const extractive = createChatModelFromOptions({});
    expect(isExtractiveAnswerer(extractive)).toBe(true);
    const openai = createChatModelFromOptions({ provider: 'openai', baseUrl: 'http://127.0.0.1:9/v1', contextWindow: 4096 }, { apiKey: 'none' });
    expect([openai.id, openai.contextWindow]).toEqual(['openai:gpt-4o-mini', 4096]);
    const anthropic = createChatModelFromOptions({ provider: 'anthropic', model: 'claude-opus-4-1' }, { env: { ANTHROPIC_API_KEY: 'k' } });
    expect([anthropic.id, anthropic.contextWindow]).toEqual(['anthropic:claude-opus-4-1', 200_000]);
  });

  it('fails with a ConfigError naming the key and the value', () => {
    const error = (() => {
      try {
        createChatModelFromOptions({ provider: 'openai', temperature: 7 });
      } catch (caught) {
        return caught;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.key).toBe('generate.temperature');
    expect(error.message).toContain('7');
    expect(() => createChatModelFromOptions({ provider: 'openai' }, { env: {} })).toThrow(/OPENAI_API_KEY/);
  });
});
