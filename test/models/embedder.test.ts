import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors.js';
import { createCohereEmbedder } from '../../src/models/cohere-embedder.js';
import { createLocalEmbedder, type LocalEmbedder } from '../../src/models/local-embedder.js';
import { createOpenAIEmbedder } from '../../src/models/openai-embedder.js';
import type { Embedder } from '../../src/models/types.js';
import { hashedEmbedder } from '../helpers/hashed-embedder.js';
import { makeTestModel } from '../helpers/test-models.js';
import { embedderContract } from './contracts/embedder.contract.js';
import { cohereEmbedBody, openAIEmbeddingsBody, startFakeProviderServer, type FakeProviderServer } from './fake-provider-server.js';

const noEnv = {} as NodeJS.ProcessEnv;
let modelsDir: string;
let local: LocalEmbedder;
let openaiServer: FakeProviderServer;
let cohereServer: FakeProviderServer;
let openai: Embedder;
let cohere: Embedder;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'gw-embedder-contract-'));
  await makeTestModel(join(modelsDir, 'test', 'encoder'), { kind: 'encoder', prefixes: { query: 'query: ', document: 'passage: ' } });
  local = await createLocalEmbedder({ modelsDir, model: 'test/encoder', batchSize: 2 });
  openaiServer = await startFakeProviderServer((request) => ({ body: openAIEmbeddingsBody(request, 16) }));
  cohereServer = await startFakeProviderServer((request) => ({ body: cohereEmbedBody(request, 16) }));
  openai = createOpenAIEmbedder({ model: 'nomic-embed-text', baseUrl: `${openaiServer.url}/v1`, dimensions: 16, batchSize: 2, env: noEnv });
  cohere = createCohereEmbedder({ model: 'embed-test', apiKey: 'k', baseUrl: cohereServer.url, dimensions: 16, env: noEnv });
});
afterAll(async () => {
  await local?.close?.();
  await Promise.all([openaiServer?.close(), cohereServer?.close()]);
  await rm(modelsDir, { recursive: true, force: true });
});

describe('Embedder contract: local (generated test model)', () => {
  // A text batched with longer ones is padded: the attention mask keeps it equal up to float error.
  embedderContract(() => ({ embedder: local, tolerance: 1e-4 }));
});

describe('Embedder contract: hashed test embedder', () => {
  const embedder = hashedEmbedder();
  embedderContract(() => ({ embedder }));
});

describe('Embedder contract: openai-compatible (fake server)', () => {
  embedderContract(() => ({ embedder: openai, requests: () => openaiServer.requests.length }));
});

describe('Embedder contract: cohere (fake server)', () => {
  embedderContract(() => ({ embedder: cohere, requests: () => cohereServer.requests.length }));
});

describe('remote embedders pass the signal to the request in flight', () => {
  it.each([
    ['openai-compatible', (url: string) => createOpenAIEmbedder({ model: 'nomic-embed-text', baseUrl: `${url}/v1`, dimensions: 16, env: noEnv })],
    ['cohere', (url: string) => createCohereEmbedder({ model: 'embed-test', apiKey: 'k', baseUrl: url, dimensions: 16, env: noEnv })],
  ])('%s: an abort ends a slow call at once, as a non-retryable ProviderError', async (_name, make) => {
    const slow = await startFakeProviderServer(() => ({ delayMs: 5000, body: {} }));
    try {
      const controller = new AbortController();
      const started = Date.now();
      const pending = make(slow.url)
        .embedQuery('water', { signal: controller.signal })
        .catch((caught: unknown) => caught);
      while (slow.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      controller.abort();
      const error = (await pending) as ProviderError;
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.isRetryable).toBe(false);
      expect(error.message).toMatch(/aborted/);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(slow.requests).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });
});
