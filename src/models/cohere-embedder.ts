/** Embeddings from Cohere (`/v2/embed`) through the cohere-ai SDK, with retries and typed errors. */
import { CohereClientV2 } from 'cohere-ai';
import { ConfigError, InputError, ProviderError } from '../errors.js';
import { resolveApiKey } from './api-key.js';
import { l2Normalize } from './normalize-vector.js';
import { toProviderError } from './provider-error.js';
import { type RetryOptions, withRetry } from './retry.js';
import type { EmbedOptions, Embedder } from './types.js';

/** Output sizes of Cohere embed models (docs.cohere.com/docs/cohere-embed). */
const COHERE_DIMENSIONS: Record<string, number> = {
  'embed-v4.0': 1536,
  'embed-english-v3.0': 1024,
  'embed-multilingual-v3.0': 1024,
  'embed-english-light-v3.0': 384,
  'embed-multilingual-light-v3.0': 384,
};
/** Texts per /v2/embed call (API limit, V2EmbedRequest.texts). */
const COHERE_MAX_TEXTS_PER_CALL = 96;
/** embed-v3 models truncate at 512 tokens (same docs page). */
const COHERE_MAX_INPUT_TOKENS = 512;
const DEFAULT_TIMEOUT_SECONDS = 60;

export interface CohereClientOptions {
  apiKey?: string;
  /** Alternative endpoint (a proxy, or a test server). */
  baseUrl?: string;
  timeoutMs?: number;
  retry?: RetryOptions;
  env?: NodeJS.ProcessEnv;
}

export interface CohereEmbedderOptions extends CohereClientOptions {
  model: string;
  /** Vector size; sent as `output_dimension` to embed-v4.0, required for unknown models. */
  dimensions?: number;
}

/** Builds a cohere-ai V2 client with SDK retries off (withRetry owns them). */
export function createCohereClient(options: CohereClientOptions): CohereClientV2 {
  const token = resolveApiKey({ provider: 'cohere', apiKey: options.apiKey, envName: 'COHERE_API_KEY', env: options.env });
  return new CohereClientV2({ token, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}), maxRetries: 0 });
}

/** Request options for every cohere-ai call. */
export function cohereRequestOptions(options: CohereClientOptions): { maxRetries: number; timeoutInSeconds: number } {
  return { maxRetries: 0, timeoutInSeconds: (options.timeoutMs ?? DEFAULT_TIMEOUT_SECONDS * 1000) / 1000 };
}

/**
 * Creates a Cohere embedder (documents as `search_document`, queries as `search_query`).
 * @example
 * const embedder = createCohereEmbedder({ model: 'embed-english-v3.0' });
 */
export function createCohereEmbedder(options: CohereEmbedderOptions): Embedder {
  const model = options.model;
  if (!model) throw new InputError('model', 'is required');
  const dimensions = options.dimensions ?? COHERE_DIMENSIONS[model];
  if (dimensions === undefined || !Number.isInteger(dimensions) || dimensions < 1) {
    throw new ConfigError('embedder.dimensions', options.dimensions, `the vector size of "${model}" (a positive integer; groundwork does not know this model's size)`);
  }
  const client = createCohereClient(options);
  const requestOptions = cohereRequestOptions(options);
  const sendDimension = options.dimensions !== undefined && model.startsWith('embed-v4');

  const call = async (texts: string[], inputType: 'search_document' | 'search_query', signal: AbortSignal | undefined): Promise<Float32Array[]> => {
    signal?.throwIfAborted();
    const response = await withRetry(
      async () => {
        try {
          return await client.embed(
            { model, texts, inputType, embeddingTypes: ['float'], ...(sendDimension ? { outputDimension: dimensions } : {}) },
            { ...requestOptions, ...(signal ? { abortSignal: signal } : {}) },
          );
        } catch (error) {
          throw toProviderError(error, { provider: 'cohere', model, url: options.baseUrl, signal });
        }
      },
      { ...options.retry, signal: signal ?? options.retry?.signal },
    );
    const vectors = response.embeddings.float ?? [];
    if (vectors.length !== texts.length) {
      throw new ProviderError({ provider: 'cohere', model, message: `returned ${vectors.length} embeddings for ${texts.length} inputs`, isRetryable: false });
    }
    return vectors.map((vector) => {
      if (vector.length !== dimensions) {
        throw new ProviderError({ provider: 'cohere', model, message: `returned ${vector.length}-dimensional vectors, expected ${dimensions}`, isRetryable: false });
      }
      return l2Normalize(vector);
    });
  };

  return {
    id: `cohere:${model}`,
    revision: model,
    dimensions,
    maxInputTokens: COHERE_MAX_INPUT_TOKENS,
    maxBatchSize: COHERE_MAX_TEXTS_PER_CALL,
    async embedDocuments(texts: string[], embedOptions: EmbedOptions = {}) {
      const out: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += COHERE_MAX_TEXTS_PER_CALL) {
        out.push(...(await call(texts.slice(start, start + COHERE_MAX_TEXTS_PER_CALL), 'search_document', embedOptions.signal)));
      }
      return out;
    },
    embedQuery: async (text: string, embedOptions: EmbedOptions = {}) => (await call([text], 'search_query', embedOptions.signal))[0]!,
  };
}
