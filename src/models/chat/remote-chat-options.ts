/** The options every remote chat provider reads (`generate.model`, `baseUrl`, `contextWindow`, `timeoutMs`). */
import { z } from 'zod';
import { DEFAULT_PROVIDER_TIMEOUT_MS } from './chat-defaults.js';

/** One declaration of the shared keys, so the merged `generate` section has one schema per key. */
export const remoteChatOptionsSchema = z.object({
  /** Model name; default per provider. */
  model: z.string().min(1).optional(),
  /** OpenAI-compatible server (vLLM, llama.cpp server, Ollama: http://localhost:11434/v1) or Anthropic proxy. */
  baseUrl: z.string().url().optional(),
  /** The model's context window when the adapter cannot know it (local servers). */
  contextWindow: z.number().int().min(512).optional(),
  timeoutMs: z.number().int().positive().max(600_000).default(DEFAULT_PROVIDER_TIMEOUT_MS),
});
