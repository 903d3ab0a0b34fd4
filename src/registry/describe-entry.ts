import type { GateRecord, LoadBenchmarkRecord, PromotionRecord, RegistryEntry, RegistryStore } from './registry-store.js';
import { rolloutEvents, rolloutsOfEntry, type Rollout, type RolloutEvent } from './rollout-store.js';

/** Everything `registry show` (and GET /v1/registry/entries/:id) says about an entry. */
export interface EntryDescription {
  entry: RegistryEntry;
  history: PromotionRecord[];
  latestGate?: GateRecord;
  latestLoadBenchmark?: LoadBenchmarkRecord;
  rollouts: Array<{ rollout: Rollout; events: RolloutEvent[] }>;
}

/** Reads an entry with its promotion history, latest gate and load benchmark, and its rollouts with every event. */
export async function describeEntry(registry: RegistryStore, id: number, options: { tenant?: string } = {}): Promise<EntryDescription> {
  const entry = await registry.get(id, options);
  const rollouts = await rolloutsOfEntry(registry.db, entry.tenant, entry.id);
  return {
    entry,
    history: await registry.history(entry),
    latestGate: await registry.latestGate(entry),
    latestLoadBenchmark: await registry.latestLoadBenchmark(entry),
    rollouts: await Promise.all(rollouts.map(async (rollout) => ({ rollout, events: await rolloutEvents(registry.db, rollout) }))),
  };
}
