import { z } from 'zod';
import { abSampleSizeTool, abTestTool } from '../classic-ml/tools/experiment-tools.js';
import { DEFAULT_MINIMUM_RUNTIME_DAYS } from '../classic-ml/phases/ab-test.js';
import { GroundworkError, InputError } from '../errors.js';
import { armMetrics, type ArmMetrics } from './arm-metrics.js';
import { stderrRegistryLog, type RegistryLog } from './canary-controller.js';
import type { RegistryStore } from './registry-store.js';
import { armLabels, recordRolloutEvent, rolloutEvents, runningRollouts, startRollout, updateRollout, type Rollout } from './rollout-store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Relative degradation each guardrail tolerates before it counts as a regression (the ab-test
 * tool's `tolerance`): refusal rate and cost per query 10%, p95 latency 20% (tail latency is noisy
 * at A/B sample sizes), error rate 50% (errors are rare: a few more is noise, twice is the canary's
 * rollback line).
 */
export const GUARDRAIL_TOLERANCES = { refusal_rate: 0.1, error_rate: 0.5, p95_latency_ms: 0.2, cost_per_query: 0.1 } as const;

/** An A/B test's settings (stored with the rollout). */
export const abSettingsSchema = z
  .object({
    /** Positive-feedback rate the control is expected to have: the power analysis's baseline. */
    baselineRate: z.number().gt(0).lt(1),
    /** Smallest absolute change in the positive-feedback rate worth detecting (0.05 = five points). */
    minimumDetectableEffect: z.number().gt(0).lt(1),
    alpha: z.number().gt(0).lt(1).default(0.05),
    power: z.number().gt(0).lt(1).default(0.8),
    /** Methodology: at least one business cycle, 7 days minimum. */
    minimumRuntimeMs: z.number().int().positive().default(DEFAULT_MINIMUM_RUNTIME_DAYS * DAY_MS),
    /** "Treatment > control by more than X%" to ship (relative). */
    minimumRelativeLift: z.number().min(0).default(0),
    /** Minimum rated requests per arm: the ab-sample-size tool's per-group figure, set at start. */
    minimumSamplePerArm: z.number().int().positive().optional(),
  })
  .strict();
export type AbSettings = z.output<typeof abSettingsSchema>;
export type AbSettingsInput = z.input<typeof abSettingsSchema>;

/** Starts an A/B test in a tenant: control (an entry or the base configuration) against treatment, sized by the ab-sample-size tool. */
export async function startAbTest(
  registry: RegistryStore,
  input: { tenant: string; controlEntryId: number | null; treatmentEntryId: number; treatmentShare?: number; settings: AbSettingsInput; now?: Date },
): Promise<Rollout> {
  const settings = abSettingsSchema.parse(input.settings);
  const share = input.treatmentShare ?? 0.5;
  if (!(share > 0 && share < 1)) throw new InputError('treatmentShare', `must be in (0, 1), got ${share}`);
  const treatment = await registry.get(input.treatmentEntryId, { tenant: input.tenant });
  const control = input.controlEntryId === null ? undefined : await registry.get(input.controlEntryId, { tenant: input.tenant });
  if (control && control.kind !== treatment.kind) throw new InputError('control', `entry ${control.id} is a ${control.kind}, the treatment a ${treatment.kind}: an A/B test compares two entries of one kind`);
  if (control && control.id === treatment.id) throw new InputError('control', 'control and treatment are the same entry');
  const size = (await abSampleSizeTool.run({ baselineRate: settings.baselineRate, minDetectableEffect: settings.minimumDetectableEffect, alpha: settings.alpha, power: settings.power })) as { perGroup: number };
  const now = input.now ?? new Date();
  return registry.db.transaction((tx) =>
    startRollout(tx, {
      tenant: input.tenant,
      kind: 'ab',
      entryKind: treatment.kind,
      controlEntryId: control?.id ?? null,
      treatmentEntryId: treatment.id,
      treatmentShare: share,
      settings: { ...settings, minimumSamplePerArm: size.perGroup },
      at: now,
      reason: `A/B test: ${size.perGroup} rated requests per arm to detect ${settings.minimumDetectableEffect} on a ${settings.baselineRate} positive-feedback rate (alpha ${settings.alpha}, power ${settings.power})`,
    }),
  );
}

/** The A/B decision of one test at a time. */
export interface AbDecision {
  rolloutId: number;
  tenant: string;
  decision: 'ship' | 'iterate' | 'kill';
  reasons: string[];
  runtimeDays: number;
  minimumSamplePerArm: number;
  control: ArmMetrics;
  treatment: ArmMetrics;
  test?: Awaited<ReturnType<typeof abTestTool.run>>;
}

/**
 * Decides one A/B test with the methodology's rule through the ab-test tool: before both arms
 * hold the minimum sample (ab-sample-size) it iterates (collecting), unless the test has run twice
 * the minimum runtime (then the tool decides, and no win is a kill); with the sample, the tool's
 * two-proportion z-test on the positive-feedback rate and the guardrails (refusal rate, error rate,
 * p95 latency, cost per query) decide ship, iterate or kill.
 */
export async function decideAbTest(registry: RegistryStore, rollout: Rollout, now: Date): Promise<AbDecision> {
  if (rollout.kind !== 'ab') throw new InputError('rollout', `rollout ${rollout.id} is a ${rollout.kind}, not an A/B test`);
  const settings = abSettingsSchema.parse(rollout.settings);
  const needed = settings.minimumSamplePerArm;
  if (needed === undefined) throw new GroundworkError('INTERNAL', `A/B test ${rollout.id} has no minimum sample`);
  const labels = armLabels(rollout);
  const control = await armMetrics(registry.db, rollout.tenant, labels.control, rollout.startedAt, now);
  const treatment = await armMetrics(registry.db, rollout.tenant, labels.treatment, rollout.startedAt, now);
  const runtimeDays = (now.getTime() - rollout.startedAt.getTime()) / DAY_MS;
  const minimumRuntimeDays = settings.minimumRuntimeMs / DAY_MS;
  const base = { rolloutId: rollout.id, tenant: rollout.tenant, runtimeDays, minimumSamplePerArm: needed, control, treatment };
  const sampled = control.rated >= needed && treatment.rated >= needed;
  if (!sampled && runtimeDays < 2 * minimumRuntimeDays) {
    return { ...base, decision: 'iterate', reasons: [`collecting: ${control.rated} and ${treatment.rated} of ${needed} rated requests per arm (ab-sample-size)`] };
  }
  if (control.rated === 0 || treatment.rated === 0) {
    return { ...base, decision: 'kill', reasons: [`no ratings on ${control.rated === 0 ? 'the control' : 'the treatment'} after ${runtimeDays.toFixed(1)} days (2x the minimum runtime)`] };
  }
  const test = await abTestTool.run({
    control: { conversions: control.positive, visitors: control.rated },
    treatment: { conversions: treatment.positive, visitors: treatment.rated },
    alpha: settings.alpha,
    minimumRelativeLift: settings.minimumRelativeLift,
    guardrails: [
      { name: 'refusal_rate', control: control.refusalRate, treatment: treatment.refusalRate, higherIsBetter: false, tolerance: GUARDRAIL_TOLERANCES.refusal_rate },
      { name: 'error_rate', control: control.errorRate, treatment: treatment.errorRate, higherIsBetter: false, tolerance: GUARDRAIL_TOLERANCES.error_rate },
      { name: 'p95_latency_ms', control: control.p95Ms, treatment: treatment.p95Ms, higherIsBetter: false, tolerance: GUARDRAIL_TOLERANCES.p95_latency_ms },
      { name: 'cost_per_query', control: control.costPerQuery, treatment: treatment.costPerQuery, higherIsBetter: false, tolerance: GUARDRAIL_TOLERANCES.cost_per_query },
    ],
    runtimeDays,
    minimumRuntimeDays,
  });
  const reasons = sampled ? test.reasons : [`minimum sample not reached (${control.rated} and ${treatment.rated} of ${needed})`, ...test.reasons];
  return { ...base, decision: test.decision, reasons, test };
}

/**
 * Decides every running A/B test at `now` and records the outcome: ship and kill end the test
 * (status shipped or killed; promoting the winner is `registry promote`, through the canary);
 * iterate keeps it running, recorded when the decision or its reason changes.
 */
export async function evaluateAbTests(deps: { registry: RegistryStore; log?: RegistryLog }, now: Date): Promise<AbDecision[]> {
  const log = deps.log ?? stderrRegistryLog;
  const decisions: AbDecision[] = [];
  for (const rollout of await runningRollouts(deps.registry.db, 'ab')) {
    const decision = await decideAbTest(deps.registry, rollout, now);
    decisions.push(decision);
    const reason = decision.reasons.join('; ');
    const metrics = { control: decision.control, treatment: decision.treatment, ...(decision.test ? { test: decision.test } : {}) };
    await deps.registry.db.transaction(async (tx) => {
      const events = await rolloutEvents(tx, rollout);
      const last = events[events.length - 1];
      if (decision.decision === 'iterate') {
        if (last?.event === 'decide' && last.reason === `iterate: ${reason}`) return;
        await recordRolloutEvent(tx, rollout, { event: 'decide', at: now, reason: `iterate: ${reason}`, metrics });
        await updateRollout(tx, rollout, { decision: { decision: 'iterate', reasons: decision.reasons, at: now.toISOString() } });
        return;
      }
      await updateRollout(tx, rollout, { status: decision.decision === 'ship' ? 'shipped' : 'killed', endedAt: now, decision: { decision: decision.decision, reasons: decision.reasons, at: now.toISOString() } });
      await recordRolloutEvent(tx, rollout, { event: 'decide', at: now, reason: `${decision.decision}: ${reason}`, metrics });
    });
    if (decision.decision !== 'iterate') log({ level: decision.decision === 'kill' ? 'warn' : 'info', msg: `A/B test ${decision.decision}`, rolloutId: rollout.id, tenant: rollout.tenant, reasons: decision.reasons });
  }
  return decisions;
}
