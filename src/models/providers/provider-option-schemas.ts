/**
 * Option schemas the embedder and reranker providers share. Declared once, so the merged
 * `models.embedder` / `models.reranker` sections have one schema per key.
 */
import { z } from 'zod';

/** Model id; each provider has its default. */
export const modelOption = z.string().min(1).optional();
/** Weights precision of a local model. */
export const dtypeOption = z.enum(['fp32', 'q8']).default('fp32');
/** Where a local model runs: GPU execution is opt-in, never the silent default. */
export const deviceOption = z.enum(['cpu', 'cuda', 'webgpu']).default('cpu');
/** An alternative endpoint (an OpenAI-compatible server such as TEI, vLLM, Ollama; a Cohere proxy). */
export const baseUrlOption = z.url().optional();
/** Vector size; required for models groundwork does not know (OpenAI-compatible servers). */
export const dimensionsOption = z.number().int().positive().optional();
/** Inputs per call or forward pass. */
export const batchSizeOption = z.number().int().positive().optional();
/** Padded tokens per forward pass of a local model (default: 4,096 on CPU, 65,536 on a GPU). */
export const batchTokensOption = z.number().int().positive().optional();
/** Intra-op threads per local model session (default: the cores divided among the sessions; never more in total than the cores). */
export const threadsOption = z.number().int().positive().optional();
/** Local model sessions, each on its own worker thread (default 1; one per core with threads 1 is the alternative layout). */
export const sessionsOption = z.number().int().positive().optional();
