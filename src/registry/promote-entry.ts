import { GroundworkError } from '../errors.js';
import { canarySettingsSchema, type CanarySettingsInput } from './canary-settings.js';
import { GLOBAL_SCOPE, majorOf, type EntryKind, type Stage } from './entry-kinds.js';
import type { RegistryEntry, RegistryStore } from './registry-store.js';
import { recordRolloutEvent, runningRollout, startRollout, updateRollout, type Rollout } from './rollout-store.js';

/** What a promotion did. */
export interface PromotionResult {
  entry: RegistryEntry;
  /** The canary a promotion to production started (tenant scopes). */
  canary?: Rollout;
  message: string;
}

/** Options of a promotion. */
export interface PromoteOptions {
  /** Explicit approval: needed to take a new major version (or a first entry of a kind) to production. */
  approve?: boolean;
  actor?: string;
  canary?: CanarySettingsInput;
  now?: Date;
}

/** A promotion the criteria refuse: CONFLICT with the criterion in the message. */
function refused(entry: RegistryEntry, to: Stage, why: string): GroundworkError {
  return new GroundworkError('CONFLICT', `entry ${entry.id} (${entry.kind} ${entry.name}@${entry.version}) cannot go to ${to}: ${why}`, { details: { entryId: entry.id, to } });
}

/**
 * Promotes an entry one stage, under the methodology's criteria (phase 8):
 * dev -> staging needs its latest eval gate record to have passed (`groundwork eval gate`);
 * staging -> production needs its latest load benchmark within limits (`groundwork registry
 * load-test`) and `approve` when its major version differs from production's (or nothing of its
 * kind is in production yet). In a tenant scope, production starts a canary (5% -> 25% -> 50% ->
 * 100%, see advanceCanaries) and the entry becomes production when the canary completes; a global
 * entry ('*') serves every tenant, so no one tenant's traffic can judge it and it moves at once.
 */
export async function promoteEntry(registry: RegistryStore, id: number, to: Stage, options: PromoteOptions = {}): Promise<PromotionResult> {
  const entry = await registry.get(id);
  const actor = options.actor ?? 'cli';
  const now = options.now ?? new Date();
  if (to === 'staging') {
    if (entry.stage !== 'dev') throw refused(entry, to, `it is in ${entry.stage}; only dev entries go to staging`);
    const gate = await registry.latestGate(entry);
    if (!gate) throw refused(entry, to, 'no eval gate record: run `groundwork eval gate --candidate ' + entry.id + '` first');
    if (!gate.passed) throw refused(entry, to, `its latest eval gate (record ${gate.id}) failed`);
    const moved = await registry.db.transaction((tx) => registry.setStage(tx, entry, 'staging', { actor, reason: `eval gate record ${gate.id} passed`, details: { gateId: gate.id }, at: now }));
    return { entry: moved, message: `entry ${entry.id} is in staging (eval gate record ${gate.id})` };
  }
  if (to !== 'production') throw refused(entry, to, 'promotion goes dev -> staging -> production (use rollback to go back)');
  if (entry.stage !== 'staging') throw refused(entry, to, `it is in ${entry.stage}; only staging entries go to production`);
  const load = await registry.latestLoadBenchmark(entry);
  if (!load) throw refused(entry, to, 'no load benchmark: run `groundwork registry load-test ' + entry.id + '` first');
  if (!load.passed) throw refused(entry, to, `its latest load benchmark (record ${load.id}) was outside its limits`);
  const current = await registry.production(entry.tenant, entry.kind);
  const major = current === undefined || majorOf(current.version) !== majorOf(entry.version);
  if (major && !options.approve) {
    throw refused(entry, to, current ? `major version ${majorOf(entry.version)} replaces ${current.version}: needs explicit approval (--approve)` : `it would be the first ${entry.kind} in production: needs explicit approval (--approve)`);
  }
  const details = { loadBenchmarkId: load.id, approved: options.approve === true };
  if (entry.tenant === GLOBAL_SCOPE) {
    const moved = await registry.db.transaction((tx) => registry.setStage(tx, entry, 'production', { actor, reason: `load benchmark ${load.id} within limits${options.approve ? ', approved' : ''}; global scope: no canary`, details, at: now }));
    return { entry: moved, message: `entry ${entry.id} is in production for every tenant without its own` };
  }
  const settings = canarySettingsSchema.parse(options.canary ?? {});
  const canary = await registry.db.transaction(async (tx) =>
    startRollout(tx, {
      tenant: entry.tenant,
      kind: 'canary',
      entryKind: entry.kind,
      controlEntryId: current?.id ?? null,
      treatmentEntryId: entry.id,
      treatmentShare: settings.steps[0],
      settings,
      at: now,
      reason: `promotion to production by ${actor}: load benchmark ${load.id} within limits${options.approve ? ', approved' : ''}; canary ${settings.steps.map((s) => `${s * 100}%`).join(' -> ')}, ${Math.round(settings.windowMs / 60_000)} min per step`,
    }),
  );
  return { entry, canary, message: `canary started for entry ${entry.id}: ${settings.steps[0] * 100}% of tenant ${entry.tenant}'s traffic` };
}

/** What a rollback did. */
export interface RollbackResult {
  action: 'canary-stopped' | 'ab-stopped' | 'production-restored' | 'production-cleared';
  message: string;
  rollout?: Rollout;
  restored?: RegistryEntry;
  archived?: RegistryEntry;
}

/**
 * Takes a kind back in a scope: a running canary or A/B test of that kind stops (all traffic to the
 * control); otherwise the production entry is archived and the one it replaced serves again (or the
 * base configuration, when it replaced none).
 */
export async function rollbackKind(registry: RegistryStore, scope: string, kind: EntryKind, options: { actor?: string; reason?: string; now?: Date } = {}): Promise<RollbackResult> {
  const now = options.now ?? new Date();
  const actor = options.actor ?? 'cli';
  const reason = options.reason ?? `manual rollback by ${actor}`;
  if (scope !== GLOBAL_SCOPE) {
    const rollout = await runningRollout(registry.db, scope);
    if (rollout && rollout.entryKind === kind) {
      const stopped = await registry.db.transaction(async (tx) => {
        const updated = await updateRollout(tx, rollout, { status: rollout.kind === 'canary' ? 'rolled-back' : 'stopped', endedAt: now, decision: { action: 'rollback', reason, at: now.toISOString() } });
        await recordRolloutEvent(tx, rollout, { event: 'rollback', at: now, reason });
        return updated;
      });
      return { action: rollout.kind === 'canary' ? 'canary-stopped' : 'ab-stopped', rollout: stopped, message: `${rollout.kind} ${rollout.id} stopped: all of tenant ${scope}'s traffic is back on the control` };
    }
  }
  const entries = await registry.list({ tenant: scope, kind });
  const current = entries.find((e) => e.stage === 'production' && e.tenant === scope);
  if (!current) throw new GroundworkError('NOT_FOUND', `nothing to roll back: no running canary or A/B test and no production ${kind} in scope ${scope}`);
  // The entry this one replaced: the promotion history names it (production -> archived, replacedBy).
  const { rows } = await registry.db.query<{ entry_id: number }>(
    `SELECT entry_id::int AS entry_id FROM registry_promotions WHERE tenant = $1 AND from_stage = 'production' AND to_stage = 'archived' AND details->>'replacedBy' = $2 ORDER BY id DESC LIMIT 1`,
    [scope, String(current.id)],
  );
  const previous = rows[0] ? entries.find((e) => e.id === rows[0].entry_id && e.stage === 'archived') : undefined;
  return registry.db.transaction(async (tx) => {
    const archived = await registry.setStage(tx, current, 'archived', { actor, reason, at: now });
    if (!previous) return { action: 'production-cleared' as const, archived, message: `entry ${current.id} archived; no earlier production ${kind} in scope ${scope}: the base configuration serves` };
    const restored = await registry.setStage(tx, previous, 'production', { actor, reason: `${reason}: restores the entry ${current.id} replaced`, at: now });
    return { action: 'production-restored' as const, archived, restored, message: `entry ${current.id} archived; entry ${previous.id} (${previous.name}@${previous.version}) is in production again` };
  });
}
