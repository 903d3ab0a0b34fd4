import { z } from 'zod';
import { DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_PROVIDER_TIMEOUT_MS } from '../models/chat/chat-defaults.js';
import { CHAT_PROVIDERS } from '../models/chat/chat-providers.js';
import { DEFAULT_ANTHROPIC_CHAT_MODEL } from '../models/chat/anthropic-chat-provider.js';
import { DEFAULT_OPENAI_CHAT_MODEL } from '../models/chat/openai-chat-provider.js';
import { mergeOptionShapes, providerIds, type ChatProvider } from '../models/provider.js';
import { DEFAULT_EXTRACTIVE_MAX_SENTENCES } from './extractive-options.js';

export { DEFAULT_EXTRACTIVE_MAX_SENTENCES, DEFAULT_MAX_OUTPUT_TOKENS, DEFAULT_PROVIDER_TIMEOUT_MS };

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
/** Grounded answers want the most likely reading of the context, not variety. */
export const DEFAULT_TEMPERATURE = 0;
/** Share of the prompt budget that chat history may take; the rest goes to documents. */
export const DEFAULT_HISTORY_SHARE = 0.25;

/** False-refusal budget of the answer-or-refuse model's operating point (issue 19: at most 5% of answerable questions refused). */
export const DEFAULT_MAX_FALSE_REFUSAL = 0.05;

/**
 * Default model per provider, used when `model` is not set.
 * @deprecated Each chat provider module owns its default (src/models/chat/*-chat-provider.ts).
 */
export const DEFAULT_MODELS = {
  extractive: 'extractive',
  openai: DEFAULT_OPENAI_CHAT_MODEL,
  anthropic: DEFAULT_ANTHROPIC_CHAT_MODEL,
} as const;

/** The answer stage's own keys (every `generate` section has them, whichever providers are registered). */
const answerStageShape = {
  /** Retriever confidence in [0, 1] below which the answer is the refusal, with no model call. */
  refusalThreshold: z.number().min(0).max(1).default(DEFAULT_REFUSAL_THRESHOLD),
  maxContextTokens: z.number().int().min(256).max(2_000_000).default(DEFAULT_MAX_CONTEXT_TOKENS),
  maxOutputTokens: z.number().int().min(16).max(200_000).default(DEFAULT_MAX_OUTPUT_TOKENS),
  temperature: z.number().min(0).max(2).default(DEFAULT_TEMPERATURE),
  historyShare: z.number().min(0).max(0.9).default(DEFAULT_HISTORY_SHARE),
  /** The false-refusal budget the answer-or-refuse model's operating point is chosen for (`groundwork answerability train`). */
  refusal: z
    .object({ maxFalseRefusal: z.number().min(0).max(0.5).default(DEFAULT_MAX_FALSE_REFUSAL) })
    .strict()
    .prefault({}),
  /**
   * The learned answer-or-refuse decision: `default` (the default: the model shipped in
   * models/answerability/default.json, trained on public data by scripts/train-answerability.ts),
   * a path to a model `groundwork answerability train` wrote, or `off` (the extractive answerer's
   * coverage floor alone decides). When on, every answerer's question scored under the model's
   * operating point is refused (`unanswerable`) with no model call.
   */
  answerability: z
    .object({ model: z.string().min(1).default('default') })
    .strict()
    .prefault({}),
  /** Tokenizer for context packing: o200k_base (GPT-4o and later), cl100k_base (GPT-4, GPT-3.5). */
  encoding: z.enum(['o200k_base', 'cl100k_base']).default('o200k_base'),
};

/**
 * Options of the answer stage. `provider` is a registered chat provider (CHAT_PROVIDERS:
 * `extractive`, the offline default with no model; `openai`, or any OpenAI-compatible server;
 * `anthropic`) and the provider keys (`model`, `baseUrl`, `contextWindow`, `timeoutMs`,
 * `maxSentences`) come from the provider modules. API keys are not options: they come from
 * OPENAI_API_KEY / ANTHROPIC_API_KEY (or an explicit `apiKey` argument of the adapter factories).
 */
export const generateOptionsSchema = z
  .object({
    provider: z.enum(providerIds(CHAT_PROVIDERS)).default('extractive'),
    ...mergeOptionShapes(CHAT_PROVIDERS),
    ...answerStageShape,
  })
  .strict();

/**
 * The `generate` schema for another list of chat providers (CHAT_PROVIDERS plus a plug-in's):
 * `provider` is one of their ids (the first is the default) and the section holds every
 * provider's own options. generateOptionsSchema is this over CHAT_PROVIDERS, with static types.
 */
export function createGenerateOptionsSchema(providers: readonly ChatProvider[]): z.ZodObject {
  const [first] = providers;
  if (!first) throw new Error('createGenerateOptionsSchema needs at least one chat provider');
  return z
    .object({
      provider: z.enum(providerIds(providers)).default(first.id),
      ...(mergeOptionShapes(providers) as z.ZodRawShape),
      ...answerStageShape,
    })
    .strict();
}

/** Parsed answer-stage options (defaults applied). */
export type GenerateOptions = z.infer<typeof generateOptionsSchema>;
/** Answer-stage options as written in a config file. */
export type GenerateOptionsInput = z.input<typeof generateOptionsSchema>;
