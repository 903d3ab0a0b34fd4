/**
 * The registered embedder providers. `models.embedder.provider`'s values (besides `auto` and
 * `none`), the section's provider keys, createEmbedderFromOptions's choice and the embedding rows
 * of the price table come from this list: a new provider is one module plus one line here.
 */
import { cohereEmbedderProvider } from './cohere-embedder-provider.js';
import { localEmbedderProvider } from './local-embedder-provider.js';
import { openAIEmbedderProvider } from './openai-embedder-provider.js';

export const EMBEDDER_PROVIDERS = [localEmbedderProvider, openAIEmbedderProvider, cohereEmbedderProvider] as const;

/** Values of `models.embedder.provider` that are not providers: `auto` picks an installed local model, `none` runs lexical-only. */
export const EMBEDDER_CHOICES = ['auto', 'none'] as const;
