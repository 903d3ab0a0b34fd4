/**
 * The provider registry's shapes. A provider is one module exporting one value: its `id` (the
 * config's `provider` value), its options schema (zod), its factory and the price rows of the
 * models it serves. The config enums, the factory switches and the router's price table are
 * derived from the provider lists (chat/chat-providers.ts, providers/embedder-providers.ts,
 * providers/reranker-providers.ts), so adding a provider is one module plus one line in a list.
 */
import { z } from 'zod';
import type { ChatModel } from './chat/chat-model.js';
import type { ModelInfo } from './model-price.js';
import type { TokenCounter } from './tokens/token-counter.js';
import type { Embedder, Reranker } from './types.js';

/** Secrets and shared instances a chat provider may use; they do not belong in the config. */
export interface ChatProviderContext {
  /** API key; providers fall back to their environment variable. */
  apiKey?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Shared prompt token counter (built once per process). */
  tokenCounter?: TokenCounter;
}

/** Where local models live and which environment holds API keys. */
export interface ModelFactoryContext {
  modelsDir: string;
  env?: NodeJS.ProcessEnv;
}

/** What every provider module exports. */
interface ProviderBase<Id extends string, Schema extends z.ZodObject> {
  /** The config's `provider` value, e.g. `openai`. */
  readonly id: Id;
  /** The provider's own options (keys of the config section it reads); parsed before `create`. */
  readonly optionsSchema: Schema;
  /** Price rows of the models this provider serves (src/models/model-price.ts). */
  readonly prices: readonly ModelInfo[];
}

/** A chat provider: builds a ChatModel (synchronously: SDKs load at the first call). */
export interface ChatProvider<Id extends string = string, Schema extends z.ZodObject = z.ZodObject> extends ProviderBase<Id, Schema> {
  create(options: z.output<Schema>, context: ChatProviderContext): ChatModel;
}

/** An embedder provider. `describe` names what was built for the one line groundwork prints. */
export interface EmbedderProvider<Id extends string = string, Schema extends z.ZodObject = z.ZodObject> extends ProviderBase<Id, Schema> {
  create(options: z.output<Schema>, context: ModelFactoryContext): Promise<Embedder>;
  describe?(options: z.output<Schema>, embedder: Embedder): string;
}

/** A reranker provider. */
export interface RerankerProvider<Id extends string = string, Schema extends z.ZodObject = z.ZodObject> extends ProviderBase<Id, Schema> {
  create(options: z.output<Schema>, context: ModelFactoryContext): Promise<Reranker>;
}

type AnyProvider = { readonly id: string; readonly optionsSchema: z.ZodObject; readonly prices: readonly ModelInfo[] };

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The config section's shape: every provider's option keys, merged. */
export type MergedOptionsShape<P extends readonly AnyProvider[]> = UnionToIntersection<P[number]['optionsSchema']['shape']>;

/**
 * Merges the option shapes of `providers` into one (the config section lists every provider's
 * keys). Providers that share a key (`model`, `baseUrl`) must declare it alike: a key declared
 * with different types is a programming error and throws here, at module load.
 */
export function mergeOptionShapes<const P extends readonly AnyProvider[]>(providers: P): MergedOptionsShape<P> {
  const merged: Record<string, z.ZodType> = {};
  const owner: Record<string, string> = {};
  for (const provider of providers) {
    for (const [key, schema] of Object.entries(provider.optionsSchema.shape as Record<string, z.ZodType>)) {
      const existing = merged[key];
      if (existing && existing !== schema && JSON.stringify(z.toJSONSchema(existing, { unrepresentable: 'any', io: 'input' })) !== JSON.stringify(z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }))) {
        throw new Error(`provider ${provider.id} declares option "${key}" unlike provider ${owner[key]}: a shared option must have one schema`);
      }
      if (!existing) {
        merged[key] = schema;
        owner[key] = provider.id;
      }
    }
  }
  return merged as MergedOptionsShape<P>;
}

/** The ids of `providers` as a non-empty tuple for `z.enum` (throws on an empty list or a duplicate id). */
export function providerIds<const P extends readonly AnyProvider[], const Extra extends readonly string[] = []>(
  providers: P,
  extra: Extra = [] as unknown as Extra,
): [Extra[number] | P[number]['id'], ...Array<Extra[number] | P[number]['id']>] {
  const ids = [...extra, ...providers.map((provider) => provider.id)];
  if (ids.length === 0) throw new Error('a provider list needs at least one provider');
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new Error(`provider id "${duplicate}" is registered twice`);
  return ids as [Extra[number] | P[number]['id'], ...Array<Extra[number] | P[number]['id']>];
}

/** The provider registered under `id` (the config schema has checked it, so a miss is a programming error). */
export function findProvider<P extends AnyProvider>(providers: readonly P[], id: string): P {
  const provider = providers.find((candidate) => candidate.id === id);
  if (!provider) throw new Error(`no provider "${id}" in the list (${providers.map((p) => p.id).join(', ')})`);
  return provider;
}

/**
 * The provider's own options out of a parsed config section: only the keys its schema declares
 * (the section holds every provider's keys), parsed by its schema.
 */
export function providerOptions<Schema extends z.ZodObject>(provider: { readonly optionsSchema: Schema }, section: Record<string, unknown>): z.output<Schema> {
  const keys = Object.keys(provider.optionsSchema.shape);
  const picked = Object.fromEntries(keys.filter((key) => section[key] !== undefined).map((key) => [key, section[key]]));
  return provider.optionsSchema.parse(picked);
}

/** Every price row of the given provider lists, in list order (a model id priced twice is a programming error). */
export function providerPrices(...lists: ReadonlyArray<readonly AnyProvider[]>): readonly ModelInfo[] {
  const rows = lists.flatMap((list) => list.flatMap((provider) => provider.prices));
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.id)) throw new Error(`model "${row.id}" is priced by two providers`);
    seen.add(row.id);
  }
  return Object.freeze(rows);
}
