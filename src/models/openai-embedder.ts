/**
 * Embeddings from OpenAI and OpenAI-compatible servers (TEI, vLLM, Ollama) through the official
 * openai SDK (`embeddings.create`, which takes the caller's AbortSignal), with our own batching,
 * retries and typed errors.
 */
import OpenAI from 'openai';
import { ConfigError, InputError, ProviderError } from '../errors.js';
import { resolveApiKey } from './api-key.js';
import { l2Normalize } from './normalize-vector.js';
import { toProviderError } from './provider-error.js';
import { type RetryOptions, withRetry } from './retry.js';
import type { EmbedOptions, Embedder } from './types.js';

/** Output sizes of OpenAI's embedding models (platform.openai.com/docs/guides/embeddings). */
const OPENAI_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};
/** Input limit of those models, in tokens (same source). */
const OPENAI_MAX_INPUT_TOKENS = 8191;
/** Inputs per request: OpenAI accepts 2048; 512 is LangChain's default and keeps bodies small. */
const OPENAI_BATCH_SIZE = 512;
/** TEI's default --max-client-batch-size is 32, the tightest of the common compatible servers. */
const COMPATIBLE_BATCH_SIZE = 32;
/** Per-request timeout. */
const DEFAULT_TIMEOUT_MS = 60_000;

export interface OpenAIEmbedderOptions {
  model: string;
  /** OpenAI-compatible server, e.g. `http://localhost:8080/v1` (TEI) or `http://localhost:11434/v1` (Ollama). */
  baseUrl?: string;
  /** Falls back to OPENAI_API_KEY; optional with a baseUrl (local servers often need none). */
  apiKey?: string;
  /** Vector size. Sent as `dimensions` to text-embedding-3-*; required for models groundwork does not know. */
  dimensions?: number;
  batchSize?: number;
  maxInputTokens?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
  env?: NodeJS.ProcessEnv;
}

/**
 * Creates an embedder for OpenAI or an OpenAI-compatible server.
 * @example
 * const embedder = createOpenAIEmbedder({ model: 'nomic-embed-text', baseUrl: 'http://localhost:11434/v1', dimensions: 768 });
 */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
  const compatible = options.baseUrl !== undefined;
  const provider = compatible ? 'openai-compatible' : 'openai';
  const model = options.model;
  if (!model) throw new InputError('model', 'is required');
  const env = options.env ?? process.env;
  const apiKey =
    compatible && options.apiKey === undefined && !env.OPENAI_API_KEY
      ? 'none' // the SDK insists on a key; compatible servers without auth ignore it
      : resolveApiKey({ provider, apiKey: options.apiKey, envName: 'OPENAI_API_KEY', env });
  const known = compatible ? undefined : OPENAI_DIMENSIONS[model];
  const dimensions = options.dimensions ?? known;
  if (dimensions === undefined || !Number.isInteger(dimensions) || dimensions < 1) {
    throw new ConfigError('embedder.dimensions', options.dimensions, `the vector size of "${model}" (a positive integer; groundwork does not know this model's size)`);
  }
  // Only text-embedding-3-* accept a `dimensions` request parameter; other servers reject or ignore it.
  const sendDimensions = options.dimensions !== undefined && model.startsWith('text-embedding-3');
  const batchSize = options.batchSize ?? (compatible ? COMPATIBLE_BATCH_SIZE : OPENAI_BATCH_SIZE);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new OpenAI({ apiKey, baseURL: options.baseUrl, maxRetries: 0, timeout: timeoutMs }); // withRetry below owns retries

  const call = async (input: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> => {
    signal?.throwIfAborted();
    const response = await withRetry(
      async () => {
        try {
          return await client.embeddings.create(
            {
              model,
              input,
              ...(sendDimensions ? { dimensions } : {}),
              // The SDK asks for base64 (and decodes it) unless told otherwise; not every compatible server speaks it.
              ...(compatible ? { encoding_format: 'float' as const } : {}),
            },
            { signal },
          );
        } catch (error) {
          throw toProviderError(error, { provider, model, url: options.baseUrl, timeoutMs, signal });
        }
      },
      { ...options.retry, signal: signal ?? options.retry?.signal },
    );
    const raw = [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
    if (raw.length !== input.length) {
      throw new ProviderError({ provider, model, message: `returned ${raw.length} embeddings for ${input.length} inputs`, isRetryable: false });
    }
    return raw.map((vector) => {
      if (vector.length !== dimensions) {
        throw new ProviderError({ provider, model, message: `returned ${vector.length}-dimensional vectors, expected ${dimensions}`, isRetryable: false });
      }
      return l2Normalize(vector);
    });
  };

  return {
    id: `${provider}:${model}`,
    revision: model,
    dimensions,
    maxInputTokens: options.maxInputTokens ?? OPENAI_MAX_INPUT_TOKENS,
    maxBatchSize: batchSize,
    async embedDocuments(texts: string[], embedOptions: EmbedOptions = {}) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += batchSize) out.push(...(await call(texts.slice(start, start + batchSize), embedOptions.signal)));
      return out;
    },
    embedQuery: async (text: string, embedOptions: EmbedOptions = {}) => (await call([text], embedOptions.signal))[0]!,
  };
}
