import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types.js';
import { createArmResolver } from '../../src/registry/arm-resolver.js';
import { advanceCanaries, type CanaryAction } from '../../src/registry/canary-controller.js';
import { promoteEntry } from '../../src/registry/promote-entry.js';
import type { RegistryEntry, RegistryStore } from '../../src/registry/registry-store.js';
import { getRollout, rolloutEvents } from '../../src/registry/rollout-store.js';
import { driverCases } from '../helpers/db-drivers.js';
import { openRegistry, readyEntry, seeded, writeTraffic, type SimulatedRequest } from './registry-fixtures.js';

const drivers = await driverCases('registry_canary');
const MINUTE = 60_000;
const WINDOW_MS = 60 * MINUTE;
const TICK_MS = 10 * MINUTE;
const USERS = 300;
const canary = { windowMs: WINDOW_MS, minRequests: 30, minRatings: 30 };

/** How an arm behaves: its error rate, latency and share of thumbs up. */
interface Behaviour {
  errorRate: number;
  latencyMs: number;
  positive: number;
}

/**
 * Runs simulated traffic: every tick each user asks once; the arm resolver (the serving path's
 * assignment) picks the arm, the arm's behaviour decides the outcome, telemetry and feedback rows
 * are written, and the controller runs with the injected clock. Stops when the canary ends.
 */
async function simulate(
  db: Db,
  registry: RegistryStore,
  tenant: string,
  start: Date,
  behaviour: (arm: string) => Behaviour,
  maxTicks: number,
): Promise<{ actions: CanaryAction[]; end: Date; assignments: Map<string, string[]> }> {
  let now = start.getTime();
  const resolver = createArmResolver({ registry, refreshMs: 0, clock: () => now });
  const random = seeded(7);
  const actions: CanaryAction[] = [];
  const assignments = new Map<string, string[]>();
  for (let tick = 0; tick < maxTicks; tick += 1) {
    await resolver.refresh(tenant);
    const requests: SimulatedRequest[] = [];
    for (let user = 0; user < USERS; user += 1) {
      const unit = `user-${user}`;
      const choice = await resolver.resolve(tenant, unit);
      const arm = choice.arm ?? 'none';
      assignments.set(unit, [...(assignments.get(unit) ?? []), arm]);
      const b = behaviour(arm);
      const at = new Date(now + Math.floor((user / USERS) * TICK_MS));
      const failed = random() < b.errorRate;
      requests.push({ tenant, arm, at, status: failed ? 500 : 200, totalMs: b.latencyMs * (0.8 + 0.4 * random()), rating: failed ? undefined : random() < b.positive ? 1 : -1 });
    }
    await writeTraffic(db, requests);
    now += TICK_MS;
    const done = await advanceCanaries({ registry, log: () => undefined }, new Date(now));
    actions.push(...done.filter((a) => a.tenant === tenant));
    if (done.some((a) => a.tenant === tenant && (a.action === 'complete' || a.action === 'rollback'))) break;
  }
  return { actions, end: new Date(now), assignments };
}

describe.each(drivers)('canary with automatic rollback on $name (simulated traffic, injected clock)', (driver) => {
  let db: Db;
  let registry: RegistryStore;
  let production: RegistryEntry;
  beforeAll(async () => {
    ({ db, registry } = await openRegistry(driver));
  });
  afterAll(async () => {
    await db?.close();
  });

  async function productionIn(tenant: string): Promise<RegistryEntry> {
    const entry = await readyEntry(registry, tenant, 'current', '1.0.0');
    await promoteEntry(registry, entry.id, 'staging');
    const { canary: first } = await promoteEntry(registry, entry.id, 'production', { approve: true, canary: { steps: [1], windowMs: 1 } });
    // No traffic yet: the one-step canary completes at its window's end only with traffic, so move it by hand.
    await db.transaction((tx) => registry.setStage(tx, entry, 'production', { actor: 'test', reason: 'fixture' }));
    await db.query(`UPDATE registry_rollouts SET status = 'completed' WHERE tenant = $1 AND id = $2`, [tenant, first!.id]);
    return registry.get(entry.id);
  }

  it('a known-better candidate goes 5% -> 25% -> 50% -> 100% and becomes production', async () => {
    production = await productionIn('better');
    const candidate = await readyEntry(registry, 'better', 'candidate', '1.1.0');
    await promoteEntry(registry, candidate.id, 'staging');
    const start = new Date('2026-12-07T08:00:00Z');
    const { canary: rollout } = await promoteEntry(registry, candidate.id, 'production', { canary, now: start });
    const ok = (arm: string): Behaviour => (arm === String(candidate.id) ? { errorRate: 0.002, latencyMs: 40, positive: 0.8 } : { errorRate: 0.005, latencyMs: 50, positive: 0.7 });
    const { actions, end, assignments } = await simulate(db, registry, 'better', start, ok, 40);
    expect(actions.filter((a) => a.action !== 'wait').map((a) => `${a.action}@${a.share}`)).toEqual(['advance@0.25', 'advance@0.5', 'advance@1', 'complete@1']);
    expect(end.getTime() - start.getTime()).toBe(4 * WINDOW_MS);
    expect((await registry.get(candidate.id)).stage).toBe('production');
    expect((await registry.get(production.id)).stage).toBe('archived');
    const events = await rolloutEvents(db, rollout!);
    expect(events.map((e) => [e.event, e.treatmentShare])).toEqual([['start', 0.05], ['advance', 0.25], ['advance', 0.5], ['advance', 1], ['complete', 1]]);
    expect(events[1].metrics).toMatchObject({ canary: { arm: String(candidate.id) }, control: { arm: String(production.id) } });
    expect((await getRollout(db, 'better', rollout!.id)).status).toBe('completed');
    // Sticky as the share grows: a user moved to the candidate never went back to the control.
    for (const arms of assignments.values()) {
      const firstCandidate = arms.indexOf(String(candidate.id));
      if (firstCandidate >= 0) expect(arms.slice(firstCandidate).every((arm) => arm === String(candidate.id))).toBe(true);
    }
    expect((await registry.history(candidate)).at(-1)).toMatchObject({ fromStage: 'staging', toStage: 'production', actor: 'canary' });
  });

  it('a candidate that raises the error rate is rolled back within its first window', async () => {
    const current = await productionIn('worse');
    const candidate = await readyEntry(registry, 'worse', 'candidate', '1.1.0');
    await promoteEntry(registry, candidate.id, 'staging');
    const start = new Date('2026-12-07T08:00:00Z');
    const { canary: rollout } = await promoteEntry(registry, candidate.id, 'production', { canary, now: start });
    const failing = (arm: string): Behaviour => (arm === String(candidate.id) ? { errorRate: 0.25, latencyMs: 50, positive: 0.7 } : { errorRate: 0.005, latencyMs: 50, positive: 0.7 });
    const { actions, end } = await simulate(db, registry, 'worse', start, failing, 40);
    const last = actions.at(-1)!;
    expect(last).toMatchObject({ action: 'rollback', share: 0.05 });
    expect(last.reason).toMatch(/error rate .* > 2x the baseline/);
    expect(end.getTime() - start.getTime()).toBeLessThanOrEqual(WINDOW_MS);
    expect((await getRollout(db, 'worse', rollout!.id)).status).toBe('rolled-back');
    expect((await registry.get(candidate.id)).stage).toBe('staging');
    expect((await registry.get(current.id)).stage).toBe('production');
    expect((await rolloutEvents(db, rollout!)).map((e) => e.event)).toEqual(['start', 'rollback']);
    // After the rollback every request is served by production again.
    const resolver = createArmResolver({ registry });
    expect((await resolver.resolve('worse', 'user-1')).arm).toBe(String(current.id));
  });

  it('a canary whose positive-feedback rate drops more than 5% is rolled back; one without traffic holds', async () => {
    await productionIn('quiet');
    const candidate = await readyEntry(registry, 'quiet', 'candidate', '1.1.0');
    await promoteEntry(registry, candidate.id, 'staging');
    const start = new Date('2026-12-07T08:00:00Z');
    await promoteEntry(registry, candidate.id, 'production', { canary, now: start });
    const held = await advanceCanaries({ registry, log: () => undefined }, new Date(start.getTime() + WINDOW_MS + 1));
    expect(held.find((a) => a.tenant === 'quiet')).toMatchObject({ action: 'hold' });
    const unhelpful = (arm: string): Behaviour => (arm === String(candidate.id) ? { errorRate: 0, latencyMs: 50, positive: 0.4 } : { errorRate: 0, latencyMs: 50, positive: 0.8 });
    const { actions } = await simulate(db, registry, 'quiet', new Date(start.getTime() + WINDOW_MS + 1), unhelpful, 40);
    expect(actions.at(-1)).toMatchObject({ action: 'rollback' });
    expect(actions.at(-1)!.reason).toMatch(/positive-feedback rate/);
  });
});
