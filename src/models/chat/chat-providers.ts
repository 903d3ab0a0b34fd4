/**
 * The registered chat providers. `generate.provider`'s values, the `generate` section's provider
 * keys, createChatModelFromOptions's choice and the chat rows of the price table all come from
 * this list: a new provider is one module plus one line here.
 */
import { anthropicChatProvider } from './anthropic-chat-provider.js';
import { extractiveChatProvider } from './extractive-chat-provider.js';
import { openAIChatProvider } from './openai-chat-provider.js';

export const CHAT_PROVIDERS = [extractiveChatProvider, openAIChatProvider, anthropicChatProvider] as const;

/** A registered chat provider's id. */
export type ChatProviderId = (typeof CHAT_PROVIDERS)[number]['id'];
