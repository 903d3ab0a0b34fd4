import { afterEach, describe, expect, it } from 'vitest';
import { GroundworkError, ProviderError } from '../../src/errors.js';
import { createCohereEmbedder } from '../../src/models/cohere-embedder.js';
import { createCohereReranker } from '../../src/models/cohere-reranker.js';
import { createOpenAIEmbedder } from '../../src/models/openai-embedder.js';
import type { RetryOptions } from '../../src/models/retry.js';
import { type FakeProviderServer, fakeVector, openAIEmbeddingsBody, openAIError, startFakeProviderServer } from './fake-provider-server.js';

const servers: FakeProviderServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
const start = async (...args: Parameters<typeof startFakeProviderServer>) => {
  const server = await startFakeProviderServer(...args);
  servers.push(server);
  return server;
};

function recordingRetry(): RetryOptions & { waits: number[] } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms), random: () => 0.5, baseDelayMs: 10 };
}

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
const noEnv = {} as NodeJS.ProcessEnv;

describe('createOpenAIEmbedder (OpenAI wire format)', () => {
  it('embeds through /v1/embeddings with the key, batching, dimensions and the SDK\'s base64 format', async () => {
    const server = await start((request) => ({ body: openAIEmbeddingsBody(request, 256) }));
    // No baseUrl: the provider is OpenAI itself; the openai SDK reads OPENAI_BASE_URL, which points it here.
    const saved = process.env.OPENAI_BASE_URL;
    process.env.OPENAI_BASE_URL = `${server.url}/v1`;
    try {
      const embedder = createOpenAIEmbedder({ model: 'text-embedding-3-small', apiKey: 'sk-test', dimensions: 256, env: noEnv, batchSize: 2 });
      expect(embedder.id).toBe('openai:text-embedding-3-small');
      expect(embedder.dimensions).toBe(256);
      const vectors = await embedder.embedDocuments(['alpha', 'beta', 'gamma']);
      expect(vectors).toHaveLength(3);
      for (const vector of vectors) expect(norm(vector)).toBeCloseTo(1, 5);
      expect(server.requests).toHaveLength(2); // batches of 2 + 1
      expect(server.requests[0]).toMatchObject({
        method: 'POST',
        path: '/v1/embeddings',
        body: { model: 'text-embedding-3-small', input: ['alpha', 'beta'], dimensions: 256, encoding_format: 'base64' },
      });
      expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test');
      const expected = fakeVector('gamma', 256);
      const scale = Math.hypot(...expected);
      expect(vectors[2]![5]).toBeCloseTo(expected[5]! / scale, 6);
    } finally {
      if (saved === undefined) delete process.env.OPENAI_BASE_URL;
      else process.env.OPENAI_BASE_URL = saved;
    }
  });

  it('retries 429 honoring Retry-After, then succeeds', async () => {
    const server = await start((request, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '2' }, body: openAIError('Rate limit reached', 'requests') }
        : { body: openAIEmbeddingsBody(request, 8) },
    );
    const retry = recordingRetry();
    const embedder = createOpenAIEmbedder({ model: 'm', baseUrl: `${server.url}/v1`, dimensions: 8, env: noEnv, retry });
    const vector = await embedder.embedQuery('x');
    expect(vector).toHaveLength(8);
    expect(server.requests).toHaveLength(2);
    expect(retry.waits).toEqual([2000]);
  });

  it('retries 500s with backoff and surfaces the last error as ProviderError', async () => {
    const server = await start(() => ({ status: 500, body: openAIError('server exploded', 'server_error') }));
    const retry = recordingRetry();
    const embedder = createOpenAIEmbedder({ model: 'm', baseUrl: `${server.url}/v1`, dimensions: 8, env: noEnv, retry: { ...retry, maxAttempts: 3 } });
    const error = await embedder.embedQuery('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: 'openai-compatible', model: 'm', status: 500, isRetryable: true });
    expect(server.requests).toHaveLength(3);
    expect(retry.waits).toEqual([5, 10]);
  });

  it('does not retry a 400 and says so in the error', async () => {
    const server = await start(() => ({ status: 400, body: openAIError('input too long', 'invalid_request_error') }));
    const embedder = createOpenAIEmbedder({ model: 'm', baseUrl: `${server.url}/v1`, dimensions: 8, env: noEnv, retry: recordingRetry() });
    const error = (await embedder.embedQuery('x').catch((e: unknown) => e)) as ProviderError;
    expect(error).toMatchObject({ status: 400, isRetryable: false });
    expect(error.message).toContain('openai-compatible m: HTTP 400');
    expect(server.requests).toHaveLength(1);
  });

  it('OpenAI-compatible servers (TEI, vLLM, Ollama): no key needed, float format, vector size checked', async () => {
    const server = await start((request) => ({ body: openAIEmbeddingsBody(request, 4) }));
    const embedder = createOpenAIEmbedder({ model: 'BAAI/bge-small-en-v1.5', baseUrl: `${server.url}/v1`, dimensions: 4, env: noEnv });
    expect(embedder.id).toBe('openai-compatible:BAAI/bge-small-en-v1.5');
    expect(embedder.maxBatchSize).toBe(32);
    await embedder.embedDocuments(['a']);
    expect(server.requests[0]!.body).toEqual({ model: 'BAAI/bge-small-en-v1.5', input: ['a'], encoding_format: 'float' });
    const wrongSize = createOpenAIEmbedder({ model: 'x', baseUrl: `${server.url}/v1`, dimensions: 5, env: noEnv });
    await expect(wrongSize.embedQuery('a')).rejects.toThrow(/returned 4-dimensional vectors, expected 5/);
    expect(() => createOpenAIEmbedder({ model: 'nomic-embed-text', baseUrl: `${server.url}/v1`, env: noEnv })).toThrow(/embedder.dimensions/);
  });

  it('names both the argument and the variable when the key is missing', () => {
    expect(() => createOpenAIEmbedder({ model: 'text-embedding-3-small', env: noEnv })).toThrow('openai: no API key; pass apiKey or set OPENAI_API_KEY');
    expect(createOpenAIEmbedder({ model: 'text-embedding-3-small', env: { OPENAI_API_KEY: 'sk-env' } as NodeJS.ProcessEnv }).dimensions).toBe(1536);
  });
});

const cohereEmbedBody = (request: { body: any }, dimensions: number) => ({
  id: 'e1',
  embeddings: { float: request.body.texts.map((text: string) => fakeVector(text, dimensions)) },
  texts: request.body.texts,
  meta: { api_version: { version: '2' }, billed_units: { input_tokens: 3 } },
  response_type: 'embeddings_by_type',
});

describe('createCohereEmbedder (Cohere /v2/embed)', () => {
  it('embeds documents and queries with the right input_type', async () => {
    const server = await start((request) => ({ body: cohereEmbedBody(request, 1024) }));
    const embedder = createCohereEmbedder({ model: 'embed-english-v3.0', apiKey: 'co-test', baseUrl: server.url, env: noEnv });
    expect(embedder.dimensions).toBe(1024);
    const docs = await embedder.embedDocuments(['one', 'two']);
    const query = await embedder.embedQuery('three');
    expect(docs).toHaveLength(2);
    expect(norm(query)).toBeCloseTo(1, 5);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v2/embed', body: { model: 'embed-english-v3.0', texts: ['one', 'two'], input_type: 'search_document', embedding_types: ['float'] } });
    expect(server.requests[1]!.body.input_type).toBe('search_query');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer co-test');
  });

  it('retries 429 with Retry-After and 500, then fails typed after max attempts', async () => {
    const server = await start((request, index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { message: 'too many requests' } } : index === 1 ? { status: 500, body: { message: 'oops' } } : { body: cohereEmbedBody(request, 384) },
    );
    const retry = recordingRetry();
    const embedder = createCohereEmbedder({ model: 'embed-english-light-v3.0', apiKey: 'k', baseUrl: server.url, env: noEnv, retry });
    expect(await embedder.embedQuery('x')).toHaveLength(384);
    expect(retry.waits).toEqual([1000, 10]);

    const failing = await start(() => ({ status: 503, body: { message: 'unavailable' } }));
    const error = await createCohereEmbedder({ model: 'embed-english-v3.0', apiKey: 'k', baseUrl: failing.url, env: noEnv, retry: { ...recordingRetry(), maxAttempts: 2 } })
      .embedQuery('x')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ provider: 'cohere', model: 'embed-english-v3.0', status: 503, isRetryable: true });
    expect(failing.requests).toHaveLength(2);
  });

  it('names both the argument and COHERE_API_KEY when the key is missing', () => {
    const error = (() => {
      try {
        createCohereEmbedder({ model: 'embed-english-v3.0', env: noEnv });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GroundworkError);
    expect((error as Error).message).toBe('cohere: no API key; pass apiKey or set COHERE_API_KEY');
  });
});

describe('createCohereReranker (Cohere /v2/rerank)', () => {
  it('maps results back to input order and retries a 429', async () => {
    const server = await start((request, index) =>
      index === 0
        ? { status: 429, headers: { 'retry-after': '0' }, body: { message: 'slow down' } }
        : {
            body: {
              id: 'r1',
              // Cohere returns results sorted by relevance, each with its input index.
              results: [
                { index: 2, relevance_score: 0.9 },
                { index: 0, relevance_score: 0.5 },
                { index: 1, relevance_score: 0.1 },
              ],
              meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } },
            },
          },
    );
    const retry = recordingRetry();
    const reranker = createCohereReranker({ model: 'rerank-v3.5', apiKey: 'k', baseUrl: server.url, env: noEnv, retry });
    expect(await reranker.rerank('q', ['a', 'b', 'c'])).toEqual([0.5, 0.1, 0.9]);
    expect(server.requests[1]).toMatchObject({ path: '/v2/rerank', body: { model: 'rerank-v3.5', query: 'q', documents: ['a', 'b', 'c'], top_n: 3 } });
    expect(retry.waits).toEqual([0]);
  });
});
