import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../../src/errors.js';
import { createChatModelFromOptions } from '../../src/generate/create-chat-model-from-options.js';
import { createGenerateOptionsSchema, generateOptionsSchema } from '../../src/generate/generate-options.js';
import { CHAT_PROVIDERS } from '../../src/models/chat/chat-providers.js';
import { createEmbedderFromOptions } from '../../src/models/create-embedder-from-options.js';
import { createRerankerFromOptions } from '../../src/models/create-reranker-from-options.js';
import { embedderOptionsSchema, rerankerOptionsSchema } from '../../src/models/models-options.js';
import { mergeOptionShapes, providerIds, providerPrices, type EmbedderProvider, type RerankerProvider } from '../../src/models/provider.js';
import { EMBEDDER_PROVIDERS } from '../../src/models/providers/embedder-providers.js';
import { RERANKER_PROVIDERS } from '../../src/models/providers/reranker-providers.js';
import { createModelRegistry } from '../../src/router/model-registry.js';
import { PRICE_TABLE } from '../../src/router/price-table.js';
import { hashedEmbedder } from '../helpers/hashed-embedder.js';
import { echoChatProvider } from './fixtures/echo-chat-provider.js';

const context = { modelsDir: '/nonexistent-models', env: {} as NodeJS.ProcessEnv };
const enumValues = (schema: z.ZodObject) => (schema.shape.provider as z.ZodDefault<z.ZodEnum>).unwrap().options;

describe('provider registry: the config enums, factories and prices come from the lists', () => {
  it('the config values are the registered ids', () => {
    expect(enumValues(generateOptionsSchema)).toEqual(CHAT_PROVIDERS.map((provider) => provider.id));
    expect(enumValues(embedderOptionsSchema)).toEqual(['auto', 'none', ...EMBEDDER_PROVIDERS.map((provider) => provider.id)]);
    expect(enumValues(rerankerOptionsSchema)).toEqual(RERANKER_PROVIDERS.map((provider) => provider.id));
    // Every provider's own option keys are keys of its config section.
    for (const [schema, list] of [
      [generateOptionsSchema, CHAT_PROVIDERS],
      [embedderOptionsSchema, EMBEDDER_PROVIDERS],
      [rerankerOptionsSchema, RERANKER_PROVIDERS],
    ] as const) {
      for (const provider of list) for (const key of Object.keys(provider.optionsSchema.shape)) expect(Object.keys(schema.shape)).toContain(key);
    }
  });

  it('the price table is every provider\'s rows', () => {
    expect(PRICE_TABLE).toEqual(providerPrices(CHAT_PROVIDERS, EMBEDDER_PROVIDERS, RERANKER_PROVIDERS));
    expect(PRICE_TABLE.find((row) => row.id === 'extractive')).toMatchObject({ kind: 'chat', inputPerMillion: 0 });
    expect(PRICE_TABLE.find((row) => row.id === 'cohere:rerank-v3.5')).toMatchObject({ kind: 'rerank', perCallUsd: 0.002 });
  });

  it('adding a chat provider is one module plus one line in the list: config, factory and prices follow', async () => {
    const providers = [...CHAT_PROVIDERS, echoChatProvider] as const; // the one line

    expect(() => generateOptionsSchema.parse({ provider: 'echo' })).toThrow();
    expect(createGenerateOptionsSchema(providers).parse({ provider: 'echo', echoPrefix: '> ' })).toMatchObject({ provider: 'echo', echoPrefix: '> ', timeoutMs: 60_000 });

    const model = createChatModelFromOptions({ provider: 'echo', echoPrefix: '> ' }, {}, providers);
    expect(model.id).toBe('echo:small');
    const result = await model.generate({ messages: [{ role: 'user', content: 'how long is the warranty' }] });
    expect(result.text).toBe('> how long is the warranty');
    // The built-in providers still build from the longer list.
    expect(createChatModelFromOptions({}, {}, providers).id).toBe('extractive');

    const error = (() => {
      try {
        createChatModelFromOptions({ provider: 'echo', echoPrefix: '' }, {}, providers);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).key).toBe('generate.echoPrefix');

    const registry = createModelRegistry([], providerPrices(providers, EMBEDDER_PROVIDERS, RERANKER_PROVIDERS));
    expect(registry.get('echo:small')).toMatchObject({ provider: 'echo', inputPerMillion: 1, outputPerMillion: 2, contextWindow: 4096 });
    expect(() => createModelRegistry().get('echo:small')).toThrow(ConfigError);
  });

  it('adding an embedder or a reranker provider works the same way', async () => {
    const hashed: EmbedderProvider<'hashed', z.ZodObject<{ dimensions: z.ZodOptional<z.ZodNumber> }>> = {
      id: 'hashed',
      optionsSchema: z.object({ dimensions: z.number().int().positive().optional() }),
      create: async (options) => hashedEmbedder({ dimensions: options.dimensions }),
      prices: [],
    };
    const embedders = [...EMBEDDER_PROVIDERS, hashed];
    await expect(createEmbedderFromOptions({ provider: 'hashed' as never }, context)).rejects.toThrow();
    const choice = await createEmbedderFromOptions({ provider: 'hashed' as never, dimensions: 32 }, context, embedders);
    expect([choice.embedder?.id, choice.embedder?.dimensions, choice.reason]).toEqual(['test:hashed-bow', 32, 'test:hashed-bow']);

    const reversed: RerankerProvider<'reverse', z.ZodObject<{}>> = {
      id: 'reverse',
      optionsSchema: z.object({}),
      create: async () => ({ id: 'reverse', maxBatchSize: 100, rerank: async (_query, passages) => passages.map((_, index) => index) }),
      prices: [],
    };
    const reranker = await createRerankerFromOptions({ provider: 'reverse' as never }, context, [...RERANKER_PROVIDERS, reversed]);
    expect(await reranker.rerank('q', ['a', 'b', 'c'])).toEqual([0, 1, 2]);
    expect((await createRerankerFromOptions({}, context)).id).toBe('none');
  });

  it('refuses a list that registers an id twice, prices a model twice or declares a shared option unlike another provider', () => {
    expect(() => providerIds([echoChatProvider, echoChatProvider])).toThrow(/"echo" is registered twice/);
    expect(() => providerPrices([echoChatProvider], [echoChatProvider])).toThrow(/echo:small/);
    const clash = { ...echoChatProvider, id: 'clash', optionsSchema: z.object({ echoPrefix: z.number() }) };
    expect(() => mergeOptionShapes([echoChatProvider, clash])).toThrow(/clash declares option "echoPrefix"/);
  });
});
