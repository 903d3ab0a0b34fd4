import { z } from 'zod';
import { RETRAINABLE_KINDS } from './retrainable-kinds.js';

/** How long a tenant's registry state is served from memory before it is read again (in the background). */
export const DEFAULT_ARM_REFRESH_MS = 5_000;
/** How often serve runs the controller: a canary's breach is caught within a minute of the telemetry showing it. */
export const DEFAULT_CONTROLLER_INTERVAL_MS = 60_000;

/** Methodology phase 7 retraining triggers: scheduled weekly; drift when PSI > 0.2 on a monitored signal. */
export const DEFAULT_RETRAIN_INTERVAL_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_RETRAIN_DRIFT_PSI = 0.2;
/** How often serve looks for tenants due a retraining (cheap: a few queries). */
export const DEFAULT_RETRAIN_CHECK_MS = 60 * 60 * 1000;

/** The `registry` section of the config: serving arms, the rollout controller and retraining. */
export const registryOptionsSchema = z
  .object({
    /** How long a server keeps a tenant's production entries and rollout in memory before reading them again. */
    armRefreshMs: z.number().int().min(0).default(DEFAULT_ARM_REFRESH_MS),
    /** How often serve runs the canary controller and the A/B decisions. */
    controllerIntervalMs: z.number().int().min(1000).default(DEFAULT_CONTROLLER_INTERVAL_MS),
    retraining: z
      .object({
        /** Retrain from feedback on a schedule and on drift (inside serve/worker). */
        enabled: z.boolean().default(false),
        /** The models retrained: the answerability model (default) and/or the learned ranker. */
        kinds: z.array(z.enum(RETRAINABLE_KINDS)).min(1).default(['answerability-model']),
        /** BEIR datasets whose judgments join the ranker's (`{dir, split}`; the golden set's join always). */
        rankerDatasets: z.array(z.object({ dir: z.string().min(1), split: z.string().min(1).default('train') }).strict()).default([]),
        intervalMs: z.number().int().positive().default(DEFAULT_RETRAIN_INTERVAL_MS),
        driftPsi: z.number().positive().default(DEFAULT_RETRAIN_DRIFT_PSI),
        checkIntervalMs: z.number().int().min(1000).default(DEFAULT_RETRAIN_CHECK_MS),
        /** Golden set the candidate is gated and load-tested on (per tenant or one for all); without it a candidate stays in dev. */
        golden: z.union([z.string().min(1), z.record(z.string(), z.string().min(1))]).optional(),
        /** Approval given in advance for a first or new-major model reaching production (else it waits in staging). */
        approve: z.boolean().default(false),
        /** Load benchmark asks per candidate. */
        loadRequests: z.number().int().positive().default(50),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type RegistryOptions = z.output<typeof registryOptionsSchema>;
