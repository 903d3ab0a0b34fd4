import { ConfigError } from '../errors.js';
import { CHAT_PROVIDERS } from '../models/chat/chat-providers.js';
import type { ChatModel } from '../models/chat/chat-model.js';
import { findProvider, providerOptions, type ChatProvider, type ChatProviderContext } from '../models/provider.js';
import { createGenerateOptionsSchema, generateOptionsSchema, type GenerateOptions, type GenerateOptionsInput } from './generate-options.js';

/** Secrets and shared instances that do not belong in the config. */
export type ChatModelExtras = ChatProviderContext;

const schemas = new WeakMap<readonly ChatProvider[], ReturnType<typeof createGenerateOptionsSchema>>();
const schemaFor = (providers: readonly ChatProvider[]) => {
  if (providers === CHAT_PROVIDERS) return generateOptionsSchema;
  let schema = schemas.get(providers);
  if (!schema) schemas.set(providers, (schema = createGenerateOptionsSchema(providers)));
  return schema;
};

/**
 * Builds the configured chat model through the chat provider registered under
 * `options.provider` (src/models/chat/chat-providers.ts): the extractive answerer (default,
 * offline), an OpenAI or OpenAI-compatible model, or an Anthropic model. Options are validated
 * with the `generate` schema of the same provider list; a bad value is a ConfigError naming the key.
 * @example createChatModelFromOptions({ provider: 'openai', baseUrl: 'http://localhost:8000/v1', model: 'qwen2.5-7b' }, { apiKey: 'none' })
 */
export function createChatModelFromOptions(options: GenerateOptions | GenerateOptionsInput, extras?: ChatModelExtras): ChatModel;
/** The same over another provider list (CHAT_PROVIDERS plus a plug-in's): the options are checked against that list. */
export function createChatModelFromOptions(options: Record<string, unknown>, extras: ChatModelExtras, providers: readonly ChatProvider[]): ChatModel;
export function createChatModelFromOptions(options: Record<string, unknown>, extras: ChatModelExtras = {}, providers: readonly ChatProvider[] = CHAT_PROVIDERS): ChatModel {
  const result = schemaFor(providers).safeParse(options);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = ['generate', ...issue.path.map(String)].join('.');
    const value = issue.path.reduce<unknown>((current, part) => (current as Record<PropertyKey, unknown> | undefined)?.[part as PropertyKey], options);
    throw new ConfigError(key, value, issue.message);
  }
  const section = result.data as Record<string, unknown> & { provider: string };
  const provider = findProvider(providers, section.provider);
  return provider.create(providerOptions(provider, section), extras);
}
