/**
 * Config schema for the models stage (`models` key of the groundwork config): which embedder and
 * reranker to build. The lead composes it into the main config schema.
 */
import { z } from 'zod';

/** The default local embedder: small, fast on CPU, widely published as Transformers.js ONNX. */
export const DEFAULT_LOCAL_EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';
/** The default local cross-encoder (Xenova/ms-marco-MiniLM-L-6-v2). */
export const DEFAULT_LOCAL_RERANK_MODEL = 'Xenova/ms-marco-MiniLM-L-6-v2';

export const embedderOptionsSchema = z
  .object({
    /** auto: the local model when one is installed, else none (lexical-only). */
    provider: z.enum(['auto', 'none', 'local', 'openai', 'cohere']).default('auto'),
    /** Model id; defaults per provider (local: Xenova/all-MiniLM-L6-v2, openai: text-embedding-3-small, cohere: embed-english-v3.0). */
    model: z.string().min(1).optional(),
    dtype: z.enum(['fp32', 'q8']).default('fp32'),
    device: z.enum(['cpu', 'cuda', 'webgpu']).default('cpu'),
    /** OpenAI-compatible server (TEI, vLLM, Ollama) for provider openai; alternative endpoint for cohere. */
    baseUrl: z.url().optional(),
    /** Required for models groundwork does not know (OpenAI-compatible servers). */
    dimensions: z.number().int().positive().optional(),
    batchSize: z.number().int().positive().optional(),
  })
  .strict();

export const rerankerOptionsSchema = z
  .object({
    provider: z.enum(['none', 'local', 'cohere']).default('none'),
    /** local: Xenova/ms-marco-MiniLM-L-6-v2; cohere: rerank-v3.5. */
    model: z.string().min(1).optional(),
    dtype: z.enum(['fp32', 'q8']).default('fp32'),
    device: z.enum(['cpu', 'cuda', 'webgpu']).default('cpu'),
    baseUrl: z.url().optional(),
  })
  .strict();

/** `models` config section. API keys come from OPENAI_API_KEY / COHERE_API_KEY, never from the file. */
export const modelsOptionsSchema = z
  .object({
    embedder: embedderOptionsSchema.default({ provider: 'auto', dtype: 'fp32', device: 'cpu' }),
    reranker: rerankerOptionsSchema.default({ provider: 'none', dtype: 'fp32', device: 'cpu' }),
  })
  .strict();

export type EmbedderOptions = z.infer<typeof embedderOptionsSchema>;
export type RerankerOptions = z.infer<typeof rerankerOptionsSchema>;
export type ModelsOptions = z.infer<typeof modelsOptionsSchema>;
