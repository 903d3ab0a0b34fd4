import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { PRICE_TABLE, type ModelInfo } from './price-table.js';

/** One config entry: a new model (all fields) or an override of a shipped one (any fields). */
export const modelOverrideSchema = z.object({
  id: z.string().min(1),
  provider: z.string().min(1).optional(),
  kind: z.enum(['chat', 'embedding', 'rerank']).optional(),
  inputPerMillion: z.number().nonnegative().optional(),
  outputPerMillion: z.number().nonnegative().optional(),
  cachedInputPerMillion: z.number().nonnegative().optional(),
  perCallUsd: z.number().nonnegative().optional(),
  contextWindow: z.number().int().positive().optional(),
  tier: z.enum(['small', 'medium', 'large']).optional(),
});
export type ModelOverride = z.infer<typeof modelOverrideSchema>;

/** Looks up prices and capabilities by model id. Immutable. */
export interface ModelRegistry {
  /** The model's entry; throws ConfigError naming the id when it is unknown. */
  get(id: string): ModelInfo;
  has(id: string): boolean;
  list(): readonly ModelInfo[];
}

/** Local models (`local:*`) are free to call; any such id resolves to a $0 entry. */
const LOCAL_PREFIX = 'local:';
const LOCAL_DEFAULT_CONTEXT_WINDOW = 512;

/**
 * Builds a registry from the shipped price table (every registered provider's rows; pass
 * `providerPrices(lists)` for other provider lists) plus config overrides (overrides win field by
 * field; a new id must give every price, its context window and tier).
 * @example createModelRegistry([{ id: 'openai:gpt-4o-mini', inputPerMillion: 0.1 }])
 */
export function createModelRegistry(overrides: readonly ModelOverride[] = [], base: readonly ModelInfo[] = PRICE_TABLE): ModelRegistry {
  const entries = new Map<string, ModelInfo>(base.map((entry) => [entry.id, entry]));
  overrides.forEach((raw, index) => {
    const parsed = modelOverrideSchema.safeParse(raw);
    if (!parsed.success) throw new ConfigError(`router.models[${index}]`, raw, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const override = parsed.data;
    const existing = entries.get(override.id);
    if (existing) {
      entries.set(override.id, Object.freeze({ ...existing, ...stripUndefined(override) }));
      return;
    }
    const missing = (['inputPerMillion', 'outputPerMillion', 'contextWindow', 'tier'] as const).filter((key) => override[key] === undefined);
    if (missing.length > 0) throw new ConfigError(`router.models[${index}]`, raw, `a new model to give ${missing.join(', ')}`);
    entries.set(
      override.id,
      Object.freeze({
        id: override.id,
        provider: override.provider ?? override.id.split(':')[0],
        kind: override.kind ?? 'chat',
        inputPerMillion: override.inputPerMillion!,
        outputPerMillion: override.outputPerMillion!,
        cachedInputPerMillion: override.cachedInputPerMillion ?? override.inputPerMillion!,
        perCallUsd: override.perCallUsd ?? 0,
        contextWindow: override.contextWindow!,
        tier: override.tier!,
      }),
    );
  });
  const list = Object.freeze([...entries.values()]);
  return {
    get(id) {
      const entry = entries.get(id);
      if (entry) return entry;
      if (id.startsWith(LOCAL_PREFIX)) return localEntry(id);
      throw new ConfigError('router.models', id, `a model in the price table (${base.length} shipped) or a router.models entry with its prices`);
    },
    has(id) {
      return entries.has(id) || id.startsWith(LOCAL_PREFIX);
    },
    list: () => list,
  };
}

function localEntry(id: string): ModelInfo {
  return {
    id,
    provider: 'local',
    kind: 'chat',
    inputPerMillion: 0,
    outputPerMillion: 0,
    cachedInputPerMillion: 0,
    perCallUsd: 0,
    contextWindow: LOCAL_DEFAULT_CONTEXT_WINDOW,
    tier: 'small',
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
