import { z } from 'zod';

/**
 * Refuse below this retriever confidence. Deliberately low: it only refuses when the retriever is
 * close to certain that nothing matched; `groundwork eval` calibrates the real value per corpus.
 */
export const DEFAULT_REFUSAL_THRESHOLD = 0.1;
/**
 * Prompt budget (system + history + context + question) in tokens: fits an 8k-context local model
 * (llama.cpp, Ollama defaults) with room for DEFAULT_MAX_OUTPUT_TOKENS of answer.
 */
export const DEFAULT_MAX_CONTEXT_TOKENS = 6000;
/** Answer length cap: a few cited paragraphs. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 1024;
/** Grounded answers want the most likely reading of the context, not variety. */
export const DEFAULT_TEMPERATURE = 0;
/** Share of the prompt budget that chat history may take; the rest goes to documents. */
export const DEFAULT_HISTORY_SHARE = 0.25;
/** Sentences the extractive answerer quotes at most. */
export const DEFAULT_EXTRACTIVE_MAX_SENTENCES = 3;
/** Provider calls that take longer fail with a retryable ProviderError. */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 60_000;

/** False-refusal budget of the answer-or-refuse model's operating point (issue 19: at most 5% of answerable questions refused). */
export const DEFAULT_MAX_FALSE_REFUSAL = 0.05;

/** Default model per provider, used when `model` is not set. */
export const DEFAULT_MODELS = {
  extractive: 'extractive',
  openai: 'gpt-4o-mini',
  anthropic: 'claude-haiku-4-5',
} as const;

/**
 * Options of the answer stage. API keys are not options: they come from OPENAI_API_KEY /
 * ANTHROPIC_API_KEY (or an explicit `apiKey` argument of the adapter factories).
 */
export const generateOptionsSchema = z
  .object({
    /** `extractive` (offline default, no model), `openai` (or any OpenAI-compatible server), `anthropic`. */
    provider: z.enum(['extractive', 'openai', 'anthropic']).default('extractive'),
    /** Model name; default per provider (DEFAULT_MODELS). */
    model: z.string().min(1).optional(),
    /** OpenAI-compatible server (vLLM, llama.cpp server, Ollama: http://localhost:11434/v1) or Anthropic proxy. */
    baseUrl: z.string().url().optional(),
    /** Retriever confidence in [0, 1] below which the answer is the refusal, with no model call. */
    refusalThreshold: z.number().min(0).max(1).default(DEFAULT_REFUSAL_THRESHOLD),
    maxContextTokens: z.number().int().min(256).max(2_000_000).default(DEFAULT_MAX_CONTEXT_TOKENS),
    maxOutputTokens: z.number().int().min(16).max(200_000).default(DEFAULT_MAX_OUTPUT_TOKENS),
    temperature: z.number().min(0).max(2).default(DEFAULT_TEMPERATURE),
    historyShare: z.number().min(0).max(0.9).default(DEFAULT_HISTORY_SHARE),
    /** The model's context window when the adapter cannot know it (local servers). */
    contextWindow: z.number().int().min(512).optional(),
    timeoutMs: z.number().int().positive().max(600_000).default(DEFAULT_PROVIDER_TIMEOUT_MS),
    maxSentences: z.number().int().min(1).max(20).default(DEFAULT_EXTRACTIVE_MAX_SENTENCES),
    /** The false-refusal budget the answer-or-refuse model's operating point is chosen for (`groundwork answerability train`). */
    refusal: z
      .object({ maxFalseRefusal: z.number().min(0).max(0.5).default(DEFAULT_MAX_FALSE_REFUSAL) })
      .strict()
      .prefault({}),
    /**
     * The learned answer-or-refuse decision: `off` (default), `default` (the model shipped in
     * models/answerability/default.json) or a path to a model `groundwork answerability train` wrote.
     * When on, every answerer's question scored under the model's operating point is refused
     * (`unanswerable`) with no model call.
     */
    answerability: z
      .object({ model: z.string().min(1).default('off') })
      .strict()
      .prefault({}),
    /** Tokenizer for context packing: o200k_base (GPT-4o and later), cl100k_base (GPT-4, GPT-3.5). */
    encoding: z.enum(['o200k_base', 'cl100k_base']).default('o200k_base'),
  })
  .strict();

/** Parsed answer-stage options (defaults applied). */
export type GenerateOptions = z.infer<typeof generateOptionsSchema>;
/** Answer-stage options as written in a config file. */
export type GenerateOptionsInput = z.input<typeof generateOptionsSchema>;
