import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { GroundworkError } from '../errors.js';
import { l2Normalize } from '../models/normalize-vector.js';
import type { Embedder } from '../models/types.js';

/** Inputs per embedDocuments call when the caller gives none: what OpenAI-compatible APIs commonly take (2048 is OpenAI's cap). */
const DEFAULT_MAX_BATCH_SIZE = 512;
/** Input limit when the caller gives none: BERT-family models (and a safe bound for larger ones). */
const DEFAULT_MAX_INPUT_TOKENS = 512;

export interface EmbedderFromLangChainOptions {
  /** groundwork's id for the model: the index remembers it and refuses queries embedded by another. */
  id: string;
  /** Vector length the model returns; every vector is checked against it. */
  dimensions: number;
  /** Bump when the model behind the id changes (the index is then rebuilt with `ingest --reembed`). Default `1`. */
  revision?: string;
  maxInputTokens?: number;
  maxBatchSize?: number;
}

/**
 * A LangChain embeddings object (OpenAIEmbeddings, OllamaEmbeddings ...) as groundwork's `embedder`
 * plug-in. Vectors are L2-normalized (groundwork compares by cosine on unit vectors); a vector of
 * another length than `dimensions` fails the call.
 * @example const gw = await createGroundwork({ embedder: embedderFromLangChain(new OpenAIEmbeddings({ model: 'text-embedding-3-small' }), { id: 'openai:text-embedding-3-small', dimensions: 1536 }) });
 */
export function embedderFromLangChain(embeddings: EmbeddingsInterface, options: EmbedderFromLangChainOptions): Embedder {
  const check = (vector: number[]): Float32Array => {
    if (vector.length !== options.dimensions) {
      throw new GroundworkError('PROVIDER', `embedder ${options.id} returned a ${vector.length}-dimensional vector; expected ${options.dimensions}`, { details: { model: options.id, dimensions: vector.length } });
    }
    return l2Normalize(vector);
  };
  return {
    id: options.id,
    revision: options.revision ?? '1',
    dimensions: options.dimensions,
    maxInputTokens: options.maxInputTokens ?? DEFAULT_MAX_INPUT_TOKENS,
    maxBatchSize: options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE,
    async embedDocuments(texts) {
      return (await embeddings.embedDocuments(texts)).map(check);
    },
    async embedQuery(text) {
      return check(await embeddings.embedQuery(text));
    },
  };
}
