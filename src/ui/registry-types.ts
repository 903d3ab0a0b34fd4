/**
 * The registry API's JSON shapes as the console's registry view reads them (the server's types
 * are in src/registry/registry-store.ts, rollout-store.ts and arm-metrics.ts).
 */

/** A registry entry kind (answer-config, answerability-model, ranker, ...: src/registry/entry-kinds.ts holds the list). */
export type EntryKind = string;

/** The global scope: an entry for every tenant without its own. */
export const GLOBAL_SCOPE = '*';

/** `GET /v1/registry/entries`: one versioned model or configuration. */
export interface RegistryEntry {
  id: number;
  tenant: string;
  kind: EntryKind;
  name: string;
  version: string;
  stage: 'dev' | 'staging' | 'production' | 'archived';
  experimentIds: string[];
  modelCardPath: string | null;
  description: string;
  createdAt: string;
}

/** One arm's live figures (src/registry/arm-metrics.ts). */
export interface ArmMetrics {
  arm: string;
  requests: number;
  errorRate: number;
  refusalRate: number;
  p95Ms: number;
  costPerQuery: number;
  rated: number;
  positiveRate: number;
}

export interface Rollout {
  id: number;
  kind: 'ab' | 'canary';
  entryKind: EntryKind;
  controlEntryId: number | null;
  treatmentEntryId: number;
  treatmentShare: number;
  step: number;
  stepStartedAt: string;
  settings: { steps?: number[]; windowMs?: number; minimumSamplePerArm?: number };
  status: 'running' | 'completed' | 'rolled-back' | 'shipped' | 'killed' | 'stopped';
  decision: { action?: string; decision?: string; reason?: string; reasons?: string[] } | null;
  startedAt: string;
  endedAt: string | null;
}

export interface RolloutEvent {
  id: number;
  at: string;
  event: string;
  treatmentShare: number;
  reason: string;
}

/** `GET /v1/registry/rollouts`: each rollout with its events, and a running one's per-arm figures. */
export interface RolloutView {
  rollout: Rollout;
  events: RolloutEvent[];
  arms?: { control: ArmMetrics; treatment: ArmMetrics };
}

/** The major version of a semantic version (what needs explicit approval when it changes in production). */
export const majorOf = (version: string): number => Number(version.split('.')[0]);
