/** The `openai` chat provider: OpenAI, or any OpenAI-compatible server when `baseUrl` is set. */
import { chatPrice } from '../model-price.js';
import type { ChatProvider } from '../provider.js';
import { createOpenAIChatModel } from './openai-chat-model.js';
import { remoteChatOptionsSchema } from './remote-chat-options.js';

/** The model used when `generate.model` is not set. */
export const DEFAULT_OPENAI_CHAT_MODEL = 'gpt-4o-mini';

export const openAIChatProvider = {
  id: 'openai',
  optionsSchema: remoteChatOptionsSchema,
  create: (options, context) =>
    createOpenAIChatModel({
      model: options.model ?? DEFAULT_OPENAI_CHAT_MODEL,
      baseUrl: options.baseUrl,
      apiKey: context.apiKey,
      contextWindow: options.contextWindow,
      timeoutMs: options.timeoutMs,
      env: context.env,
    }),
  // US dollars per million tokens (input, cached input, output), PRICE_TABLE_DATE.
  prices: [
    chatPrice('openai:gpt-5', 1.25, 0.125, 10.0, 400_000, 'large'),
    chatPrice('openai:gpt-5-mini', 0.25, 0.025, 2.0, 400_000, 'medium'),
    chatPrice('openai:gpt-5-nano', 0.05, 0.005, 0.4, 400_000, 'small'),
    chatPrice('openai:gpt-4.1', 2.0, 0.5, 8.0, 1_047_576, 'large'),
    chatPrice('openai:gpt-4.1-mini', 0.4, 0.1, 1.6, 1_047_576, 'medium'),
    chatPrice('openai:gpt-4.1-nano', 0.1, 0.025, 0.4, 1_047_576, 'small'),
    chatPrice('openai:gpt-4o', 2.5, 1.25, 10.0, 128_000, 'large'),
    chatPrice('openai:gpt-4o-mini', 0.15, 0.075, 0.6, 128_000, 'small'),
  ],
} as const satisfies ChatProvider<'openai', typeof remoteChatOptionsSchema>;
