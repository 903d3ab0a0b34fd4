import type { EntryKind } from './entry-kinds.js';
import type { RegistryEntry, RegistryStore } from './registry-store.js';
import { assignArm } from './assign-arm.js';
import { runningRollout, type Rollout } from './rollout-store.js';
import { DEFAULT_ARM_REFRESH_MS } from './registry-options.js';
import { stderrRegistryLog, type RegistryLog } from './canary-controller.js';


/** The entries one request is served with, and its arm label for telemetry. */
export interface ArmChoice {
  /** The telemetry `arm`: the rollout arm's entry id (or `base`), else the production answer-config's id. */
  arm: string | undefined;
  /** The registry entries whose overrides apply, in kind order (the base configuration when empty). */
  entries: readonly RegistryEntry[];
  /** Identifies the entry set (for caching the Groundwork built from it); '' is the base configuration. */
  key: string;
  rolloutId?: number;
}

interface TenantState {
  loadedAt: number;
  rollout?: Rollout;
  /** Served to units outside the rollout's treatment (and to all when no rollout runs). */
  control: ArmChoice;
  treatment?: ArmChoice;
  loading?: Promise<TenantState>;
}

/** Picks a request's arm from a tenant's production entries and running rollout, held in memory. */
export interface ArmResolver {
  /** The cheap per-request path once the tenant's state is in memory (undefined until then). */
  peek(tenant: string, unit: string): ArmChoice | undefined;
  /** The choice for a request: from memory, loading the tenant's state on its first request. */
  resolve(tenant: string, unit: string): Promise<ArmChoice>;
  /** Reads a tenant's state (all loaded tenants when none is named) now. */
  refresh(tenant?: string): Promise<void>;
}

const KIND_ORDER: readonly EntryKind[] = ['answer-config', 'answerability-model', 'ranker', 'router-predictor', 'cache-calibration'];

function choice(entries: RegistryEntry[], arm: string | undefined, rolloutId?: number): ArmChoice {
  const sorted = [...entries].sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  return { arm, entries: sorted, key: sorted.map((e) => e.id).join('+'), ...(rolloutId === undefined ? {} : { rolloutId }) };
}

/**
 * Builds an arm resolver. Per request it costs a map lookup and a 32-bit hash (bench/registry.ts);
 * the tenant's state is read from the database on its first request and again in the background
 * every `refreshMs`, so a canary step or a rollback reaches every server within that time.
 */
export function createArmResolver(options: { registry: RegistryStore; refreshMs?: number; clock?: () => number; log?: RegistryLog }): ArmResolver {
  const { registry } = options;
  const refreshMs = options.refreshMs ?? DEFAULT_ARM_REFRESH_MS;
  const clock = options.clock ?? Date.now;
  const states = new Map<string, TenantState>();

  async function load(tenant: string): Promise<TenantState> {
    const production = await registry.productionEntries(tenant);
    const rollout = await runningRollout(registry.db, tenant);
    const productionArm = production.find((e) => e.kind === 'answer-config');
    if (!rollout) return { loadedAt: clock(), control: choice(production, productionArm ? String(productionArm.id) : undefined) };
    const others = production.filter((e) => e.kind !== rollout.entryKind);
    const control = rollout.controlEntryId === null ? undefined : await registry.get(rollout.controlEntryId);
    const treatment = await registry.get(rollout.treatmentEntryId);
    const labels = { control: control ? String(control.id) : 'base', treatment: String(treatment.id) };
    return {
      loadedAt: clock(),
      rollout,
      control: choice(control ? [...others, control] : others, labels.control, rollout.id),
      treatment: choice([...others, treatment], labels.treatment, rollout.id),
    };
  }

  function reload(tenant: string): Promise<TenantState> {
    const current = states.get(tenant);
    if (current?.loading) return current.loading;
    const loading = load(tenant).then(
      (state) => {
        states.set(tenant, state);
        return state;
      },
      (error: unknown) => {
        const stale = states.get(tenant);
        if (stale) stale.loading = undefined;
        else states.delete(tenant);
        throw error;
      },
    );
    if (current) current.loading = loading;
    else states.set(tenant, { loadedAt: 0, control: choice([], undefined), loading });
    return loading;
  }

  function pick(state: TenantState, tenant: string, unit: string): ArmChoice {
    if (!state.rollout || !state.treatment) return state.control;
    return assignArm(state.rollout, tenant, unit)?.treatment ? state.treatment : state.control;
  }

  const peek: ArmResolver['peek'] = (tenant, unit) => {
    const state = states.get(tenant);
    if (!state || state.loadedAt === 0) return undefined;
    if (clock() - state.loadedAt > refreshMs && !state.loading) {
      // Serve what is in memory; the next requests see the fresh state.
      reload(tenant).catch((error: unknown) =>
        (options.log ?? stderrRegistryLog)({ level: 'warn', msg: 'could not refresh the registry state; serving the one in memory', tenant, error: (error as Error)?.message ?? String(error) }),
      );
    }
    return pick(state, tenant, unit);
  };

  return {
    peek,
    async resolve(tenant, unit) {
      return peek(tenant, unit) ?? pick(await reload(tenant), tenant, unit);
    },
    async refresh(tenant) {
      const tenants = tenant === undefined ? [...states.keys()] : [tenant];
      for (const name of tenants) {
        const state = states.get(name);
        if (state) state.loading = undefined;
        await reload(name);
      }
    },
  };
}
