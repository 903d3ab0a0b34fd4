import { evaluateAbTests, type AbDecision } from './ab-test.js';
import { advanceCanaries, stderrRegistryLog, type CanaryAction, type RegistryLog } from './canary-controller.js';
import type { RegistryStore } from './registry-store.js';
import { DEFAULT_CONTROLLER_INTERVAL_MS } from './registry-options.js';


/** One pass of the controller: canaries moved or rolled back, A/B tests decided. */
export interface ControllerPass {
  at: string;
  canaries: CanaryAction[];
  abTests: AbDecision[];
}

/** Runs the canary controller and the A/B decisions once at `now`. */
export async function runRolloutController(deps: { registry: RegistryStore; log?: RegistryLog }, now: Date): Promise<ControllerPass> {
  const canaries = await advanceCanaries(deps, now);
  const abTests = await evaluateAbTests(deps, now);
  return { at: now.toISOString(), canaries, abTests };
}

/**
 * Runs the controller every `intervalMs` until stopped (inside `serve`). A failed pass is logged
 * and the next one runs on schedule; passes never overlap.
 */
export function scheduleRolloutController(deps: { registry: RegistryStore; log?: RegistryLog; intervalMs?: number; clock?: () => Date }): { stop(): Promise<void> } {
  const log = deps.log ?? stderrRegistryLog;
  const clock = deps.clock ?? (() => new Date());
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = runRolloutController({ registry: deps.registry, log }, clock())
      .then(() => undefined)
      .catch((error: unknown) => log({ level: 'warn', msg: 'rollout controller pass failed', error: (error as Error)?.message ?? String(error) }))
      .finally(() => {
        running = undefined;
      });
  }, deps.intervalMs ?? DEFAULT_CONTROLLER_INTERVAL_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
