import { ConfigError } from '../errors.js';
import type { TokenCounter } from '../models/tokens/token-counter.js';
import type { ChatModel } from '../models/types.js';
import { createAnthropicChatModel } from './anthropic-chat-model.js';
import { createExtractiveAnswerer } from './extractive-answerer.js';
import { DEFAULT_MODELS, generateOptionsSchema, type GenerateOptions, type GenerateOptionsInput } from './generate-options.js';
import { createOpenAIChatModel } from './openai-chat-model.js';

/** Secrets and shared instances that do not belong in the config. */
export interface ChatModelExtras {
  apiKey?: string;
  env?: Readonly<Record<string, string | undefined>>;
  tokenCounter?: TokenCounter;
}

/**
 * Builds the configured answerer: the extractive one (default, offline), an OpenAI or
 * OpenAI-compatible model, or an Anthropic model. Options are validated with generateOptionsSchema.
 * @example createChatModelFromOptions({ provider: 'openai', baseUrl: 'http://localhost:8000/v1', model: 'qwen2.5-7b' }, { apiKey: 'none' })
 */
export function createChatModelFromOptions(options: GenerateOptions | GenerateOptionsInput, extras: ChatModelExtras = {}): ChatModel {
  const result = generateOptionsSchema.safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = ['generate', ...issue.path.map(String)].join('.');
    const value = issue.path.reduce<unknown>((current, part) => (current as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey], options);
    throw new ConfigError(key, value, issue.message);
  }
  const parsed = result.data;
  switch (parsed.provider) {
    case 'extractive':
      return createExtractiveAnswerer({ maxSentences: parsed.maxSentences });
    case 'openai':
      return createOpenAIChatModel({
        model: parsed.model ?? DEFAULT_MODELS.openai,
        baseUrl: parsed.baseUrl,
        apiKey: extras.apiKey,
        contextWindow: parsed.contextWindow,
        timeoutMs: parsed.timeoutMs,
        env: extras.env,
      });
    case 'anthropic':
      return createAnthropicChatModel({
        model: parsed.model ?? DEFAULT_MODELS.anthropic,
        baseUrl: parsed.baseUrl,
        apiKey: extras.apiKey,
        contextWindow: parsed.contextWindow,
        timeoutMs: parsed.timeoutMs,
        tokenCounter: extras.tokenCounter,
        env: extras.env,
      });
  }
}
