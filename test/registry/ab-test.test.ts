import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abSampleSizeTool } from '../../src/classic-ml/tools/experiment-tools.js';
import type { Db } from '../../src/db/types.js';
import { evaluateAbTests, startAbTest } from '../../src/registry/ab-test.js';
import type { RegistryStore } from '../../src/registry/registry-store.js';
import { getRollout, rolloutEvents } from '../../src/registry/rollout-store.js';
import { driverCases } from '../helpers/db-drivers.js';
import { openRegistry, readyEntry, writeTraffic, type SimulatedRequest } from './registry-fixtures.js';

const drivers = await driverCases('registry_ab');
const DAY = 24 * 60 * 60 * 1000;
const SETTINGS = { baselineRate: 0.5, minimumDetectableEffect: 0.1, minimumRuntimeMs: 7 * DAY };
const start = new Date('2026-11-01T00:00:00Z');

/** `rated` rated requests for an arm with exactly `positive` thumbs up, spread over `days`, plus optional unrated errors. */
function armTraffic(tenant: string, arm: string, rated: number, positive: number, days: number, extra: { errors?: number; latencyMs?: number } = {}): SimulatedRequest[] {
  const out: SimulatedRequest[] = [];
  const total = rated + (extra.errors ?? 0);
  for (let i = 0; i < total; i += 1) {
    const at = new Date(start.getTime() + Math.floor(((i + 0.5) / total) * days * DAY));
    if (i >= rated) out.push({ tenant, arm, at, status: 500, totalMs: extra.latencyMs ?? 50 });
    else out.push({ tenant, arm, at, status: 200, totalMs: extra.latencyMs ?? 50, rating: i < positive ? 1 : -1 });
  }
  return out;
}

describe.each(drivers)('A/B tests decided by the ab-test tool on $name', (driver) => {
  let db: Db;
  let registry: RegistryStore;
  let perGroup: number;
  beforeAll(async () => {
    ({ db, registry } = await openRegistry(driver));
    perGroup = (await abSampleSizeTool.run({ baselineRate: 0.5, minDetectableEffect: 0.1, alpha: 0.05, power: 0.8 })).perGroup;
  });
  afterAll(async () => {
    await db?.close();
  });

  async function abIn(tenant: string) {
    const control = await readyEntry(registry, tenant, 'control', '1.0.0');
    const treatment = await readyEntry(registry, tenant, 'treatment', '1.1.0');
    const rollout = await startAbTest(registry, { tenant, controlEntryId: control.id, treatmentEntryId: treatment.id, settings: SETTINGS, now: start });
    return { control: String(control.id), treatment: String(treatment.id), rollout };
  }

  const decide = async (tenant: string, at: Date) => (await evaluateAbTests({ registry, log: () => undefined }, at)).find((d) => d.tenant === tenant)!;

  it('sizes the test with the ab-sample-size tool and iterates until both arms hold that sample', async () => {
    const { control, treatment, rollout } = await abIn('collecting');
    expect(rollout.settings.minimumSamplePerArm).toBe(perGroup);
    expect(perGroup).toBe(385);
    await writeTraffic(db, [...armTraffic('collecting', control, perGroup, perGroup / 2, 7), ...armTraffic('collecting', treatment, perGroup - 1, perGroup - 1, 7)]);
    const decision = await decide('collecting', new Date(start.getTime() + 7 * DAY));
    expect(decision).toMatchObject({ decision: 'iterate', control: { rated: perGroup }, treatment: { rated: perGroup - 1 } });
    expect(decision.reasons[0]).toMatch(/collecting/);
    expect(decision.test).toBeUndefined();
  });

  it('ship: treatment better with p < 0.05 at the tool\'s sample size and the minimum runtime, no guardrail regression', async () => {
    const { control, treatment, rollout } = await abIn('ship');
    await writeTraffic(db, [...armTraffic('ship', control, perGroup, 193, 7), ...armTraffic('ship', treatment, perGroup, 240, 7)]);
    const decision = await decide('ship', new Date(start.getTime() + 7 * DAY));
    expect(decision.decision).toBe('ship');
    expect(decision.control.rated).toBe(perGroup);
    expect(decision.treatment.rated).toBe(perGroup);
    expect(decision.test!.pValue).toBeLessThan(0.05);
    expect((await getRollout(db, 'ship', rollout.id)).status).toBe('shipped');
    expect((await rolloutEvents(db, rollout)).map((e) => e.event)).toEqual(['start', 'decide']);
  });

  it('iterate: a promising but not significant lift before twice the minimum runtime keeps the test running', async () => {
    const { control, treatment, rollout } = await abIn('iterate');
    await writeTraffic(db, [...armTraffic('iterate', control, perGroup, 193, 8), ...armTraffic('iterate', treatment, perGroup, 205, 8)]);
    const decision = await decide('iterate', new Date(start.getTime() + 8 * DAY));
    expect(decision.decision).toBe('iterate');
    expect(decision.test!.pValue).toBeGreaterThan(0.05);
    expect(decision.test!.absoluteLift).toBeGreaterThan(0);
    expect((await getRollout(db, 'iterate', rollout.id)).status).toBe('running');
    // The same decision on the next tick is not recorded twice.
    await decide('iterate', new Date(start.getTime() + 8 * DAY));
    expect((await rolloutEvents(db, rollout)).map((e) => e.event)).toEqual(['start', 'decide']);
  });

  it('kill: no improvement after twice the minimum runtime, or a guardrail breach', async () => {
    const { control, treatment, rollout } = await abIn('kill');
    await writeTraffic(db, [...armTraffic('kill', control, perGroup, 193, 14), ...armTraffic('kill', treatment, perGroup, 195, 14)]);
    const decision = await decide('kill', new Date(start.getTime() + 14 * DAY));
    expect(decision.decision).toBe('kill');
    expect(decision.reasons.join(' ')).toMatch(/no significant improvement after 14 days/);
    expect((await getRollout(db, 'kill', rollout.id)).status).toBe('killed');

    const breach = await abIn('breach');
    await writeTraffic(db, [...armTraffic('breach', breach.control, perGroup, 193, 7), ...armTraffic('breach', breach.treatment, perGroup, 240, 7, { errors: 40 })]);
    const killed = await decide('breach', new Date(start.getTime() + 7 * DAY));
    expect(killed.decision).toBe('kill');
    expect(killed.reasons.join(' ')).toMatch(/guardrail breach: error_rate/);
  });
});
