/** The `anthropic` chat provider: Claude models on the Messages API. */
import { chatPrice } from '../model-price.js';
import type { ChatProvider } from '../provider.js';
import { createAnthropicChatModel } from './anthropic-chat-model.js';
import { remoteChatOptionsSchema } from './remote-chat-options.js';

/** The model used when `generate.model` is not set. */
export const DEFAULT_ANTHROPIC_CHAT_MODEL = 'claude-haiku-4-5';

export const anthropicChatProvider = {
  id: 'anthropic',
  optionsSchema: remoteChatOptionsSchema,
  create: (options, context) =>
    createAnthropicChatModel({
      model: options.model ?? DEFAULT_ANTHROPIC_CHAT_MODEL,
      baseUrl: options.baseUrl,
      apiKey: context.apiKey,
      contextWindow: options.contextWindow,
      timeoutMs: options.timeoutMs,
      tokenCounter: context.tokenCounter,
      env: context.env,
    }),
  // US dollars per million tokens (input, cached input = prompt-cache read, output), PRICE_TABLE_DATE.
  prices: [
    chatPrice('anthropic:claude-opus-4-1', 15.0, 1.5, 75.0, 200_000, 'large'),
    chatPrice('anthropic:claude-sonnet-4-5', 3.0, 0.3, 15.0, 200_000, 'large'),
    chatPrice('anthropic:claude-haiku-4-5', 1.0, 0.1, 5.0, 200_000, 'small'),
    chatPrice('anthropic:claude-3-5-haiku', 0.8, 0.08, 4.0, 200_000, 'small'),
  ],
} as const satisfies ChatProvider<'anthropic', typeof remoteChatOptionsSchema>;
