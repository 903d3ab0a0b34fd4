import type { Queryable } from '../db/types.js';
import { armMetrics, type ArmMetrics } from './arm-metrics.js';
import { canarySettingsSchema, type CanarySettings } from './canary-settings.js';
import type { RegistryStore } from './registry-store.js';
import { armLabels, recordRolloutEvent, rolloutEvents, runningRollouts, updateRollout, type Rollout } from './rollout-store.js';

/** Where the controller writes what it decided (one JSON line per decision by default). */
export type RegistryLog = (event: { level: 'info' | 'warn'; msg: string; [key: string]: unknown }) => void;

/** A JSON line on stderr. */
export const stderrRegistryLog: RegistryLog = (event) => process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), ...event })}\n`);

/** What the controller did with one canary. */
export interface CanaryAction {
  rolloutId: number;
  tenant: string;
  entryId: number;
  action: 'wait' | 'hold' | 'advance' | 'complete' | 'rollback';
  share: number;
  reason: string;
}

/**
 * Why a canary must be rolled back now, or undefined. Compares the canary's current step with the
 * control arm over the whole canary (the control keeps serving the rest of the traffic; at 100% it
 * serves none, so its earlier figures are the baseline): error rate over 2x the baseline's (with a
 * floor, ERROR_RATE_FLOOR), p95 latency over 2x, or the positive-feedback rate down more than 5%.
 * Each check needs enough requests (ratings) on both arms.
 */
export function rollbackReason(canary: ArmMetrics, control: ArmMetrics, settings: CanarySettings): string | undefined {
  if (canary.requests >= settings.minRequests && control.requests >= settings.minRequests) {
    const baseline = Math.max(control.errorRate, settings.errorRateFloor);
    if (canary.errorRate > settings.maxErrorRateRatio * baseline) {
      return `error rate ${pct(canary.errorRate)} > ${settings.maxErrorRateRatio}x the baseline's ${pct(control.errorRate)}${control.errorRate < settings.errorRateFloor ? ` (floor ${pct(settings.errorRateFloor)})` : ''}`;
    }
    if (control.p95Ms > 0 && canary.p95Ms > settings.maxP95Ratio * control.p95Ms) {
      return `p95 latency ${canary.p95Ms.toFixed(1)} ms > ${settings.maxP95Ratio}x the baseline's ${control.p95Ms.toFixed(1)} ms`;
    }
  }
  if (canary.rated >= settings.minRatings && control.rated >= settings.minRatings && control.positiveRate > 0) {
    const drop = (control.positiveRate - canary.positiveRate) / control.positiveRate;
    if (drop > settings.maxPrimaryDrop) return `positive-feedback rate ${pct(canary.positiveRate)} is ${pct(drop)} below the baseline's ${pct(control.positiveRate)} (limit ${pct(settings.maxPrimaryDrop)})`;
  }
  return undefined;
}

/**
 * The canary controller: for every running canary, compares the canary arm's figures in its
 * current step with the control's, rolls it back at once on a breach, and otherwise, when the step
 * has been held for its window with enough traffic, moves to the next share; after the 100% step
 * the entry becomes the production entry of its kind and scope. Every move is recorded (rollout
 * events, promotion history) and logged. `now` is the clock (tests inject it). Safe to run from
 * several processes: each change re-reads its canary under a row lock and skips it when another
 * process moved it first.
 */
export async function advanceCanaries(deps: { registry: RegistryStore; log?: RegistryLog }, now: Date): Promise<CanaryAction[]> {
  const { registry } = deps;
  const log = deps.log ?? stderrRegistryLog;
  const actions: CanaryAction[] = [];
  for (const rollout of await runningRollouts(registry.db, 'canary')) {
    const settings = canarySettingsSchema.parse(rollout.settings);
    const labels = armLabels(rollout);
    const canary = await armMetrics(registry.db, rollout.tenant, labels.treatment, rollout.stepStartedAt, now);
    const control = await armMetrics(registry.db, rollout.tenant, labels.control, rollout.startedAt, now);
    const metrics = { canary, control };
    const base = { rolloutId: rollout.id, tenant: rollout.tenant, entryId: rollout.treatmentEntryId, share: rollout.treatmentShare };
    const breach = rollbackReason(canary, control, settings);
    const held = now.getTime() - rollout.stepStartedAt.getTime() >= settings.windowMs;
    let action: CanaryAction | undefined;
    if (breach) {
      action = await locked(registry, rollout, async (tx) => {
        await updateRollout(tx, rollout, { status: 'rolled-back', endedAt: now, decision: { action: 'rollback', reason: breach, at: now.toISOString() } });
        await recordRolloutEvent(tx, rollout, { event: 'rollback', at: now, reason: breach, metrics });
        return { ...base, action: 'rollback', reason: breach };
      });
    } else if (!held) {
      action = { ...base, action: 'wait', reason: `step ${rollout.step + 1}/${settings.steps.length} held until ${new Date(rollout.stepStartedAt.getTime() + settings.windowMs).toISOString()}` };
    } else if (canary.requests < settings.minRequests) {
      const reason = `window over but only ${canary.requests} of ${settings.minRequests} requests reached the canary: holding at ${pct(rollout.treatmentShare)}`;
      action = await locked(registry, rollout, async (tx) => {
        // One hold event per step, however many ticks see it.
        const events = await rolloutEvents(tx, rollout);
        const last = events[events.length - 1];
        if (!(last?.event === 'hold' && last.at >= rollout.stepStartedAt)) await recordRolloutEvent(tx, rollout, { event: 'hold', at: now, reason, metrics });
        return { ...base, action: 'hold', reason };
      });
    } else if (rollout.step + 1 < settings.steps.length) {
      const next = settings.steps[rollout.step + 1];
      const reason = `held ${pct(rollout.treatmentShare)} for ${Math.round((now.getTime() - rollout.stepStartedAt.getTime()) / 60_000)} min with no breach (${canary.requests} requests, error rate ${pct(canary.errorRate)}, p95 ${canary.p95Ms.toFixed(1)} ms): ${pct(next)}`;
      action = await locked(registry, rollout, async (tx) => {
        await updateRollout(tx, rollout, { treatmentShare: next, step: rollout.step + 1, stepStartedAt: now });
        await recordRolloutEvent(tx, rollout, { event: 'advance', at: now, reason, metrics, treatmentShare: next });
        return { ...base, action: 'advance', share: next, reason };
      });
    } else {
      const reason = `held 100% for its window with no breach: entry ${rollout.treatmentEntryId} is in production`;
      const entry = await registry.get(rollout.treatmentEntryId);
      action = await locked(registry, rollout, async (tx) => {
        await registry.setStage(tx, entry, 'production', { actor: 'canary', reason, details: { rolloutId: rollout.id }, at: now });
        await updateRollout(tx, rollout, { status: 'completed', endedAt: now, decision: { action: 'complete', reason, at: now.toISOString() } });
        await recordRolloutEvent(tx, rollout, { event: 'complete', at: now, reason, metrics });
        return { ...base, action: 'complete', reason };
      });
    }
    if (action) {
      actions.push(action);
      if (action.action !== 'wait') log({ level: action.action === 'rollback' ? 'warn' : 'info', msg: `canary ${action.action}`, ...action });
    }
  }
  return actions;
}

/** Runs fn when the rollout is still running at the same step (row-locked), else skips it. */
async function locked(registry: RegistryStore, rollout: Rollout, fn: (tx: Queryable) => Promise<CanaryAction>): Promise<CanaryAction | undefined> {
  return registry.db.transaction(async (tx) => {
    const { rows } = await tx.query(`SELECT id FROM registry_rollouts WHERE tenant = $1 AND id = $2 AND status = 'running' AND step = $3 FOR UPDATE`, [rollout.tenant, rollout.id, rollout.step]);
    return rows.length === 0 ? undefined : fn(tx);
  });
}

function pct(value: number): string {
  return `${(100 * value).toFixed(1)}%`;
}
