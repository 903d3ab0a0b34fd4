import type { Db, Queryable } from '../db/types.js';
import { GroundworkError } from '../errors.js';
import type { EntryKind } from './entry-kinds.js';

/** The arm label of the base configuration when no production entry of the kind exists yet. */
export const BASE_ARM = 'base';

export type RolloutKind = 'ab' | 'canary';
export type RolloutStatus = 'running' | 'completed' | 'rolled-back' | 'shipped' | 'killed' | 'stopped';

/** Two entries serving a tenant's traffic side by side (migrations/0012_registry.sql). */
export interface Rollout {
  id: number;
  tenant: string;
  kind: RolloutKind;
  entryKind: EntryKind;
  /** Null: the base configuration (arm BASE_ARM). */
  controlEntryId: number | null;
  treatmentEntryId: number;
  treatmentShare: number;
  step: number;
  stepStartedAt: Date;
  settings: Record<string, unknown>;
  status: RolloutStatus;
  decision: Record<string, unknown> | null;
  startedAt: Date;
  endedAt: Date | null;
}

/** One recorded step, decision or rollback of a rollout. */
export interface RolloutEvent {
  id: number;
  rolloutId: number;
  at: Date;
  event: string;
  treatmentShare: number;
  metrics: Record<string, unknown>;
  reason: string;
}

/** The telemetry `arm` label of a rollout's control and treatment. */
export function armLabels(rollout: Pick<Rollout, 'controlEntryId' | 'treatmentEntryId'>): { control: string; treatment: string } {
  return { control: rollout.controlEntryId === null ? BASE_ARM : String(rollout.controlEntryId), treatment: String(rollout.treatmentEntryId) };
}

type RolloutRow = {
  id: number;
  tenant: string;
  kind: RolloutKind;
  entry_kind: EntryKind;
  control_entry_id: number | null;
  treatment_entry_id: number;
  treatment_share: number;
  step: number;
  step_started_at: Date;
  settings: Record<string, unknown>;
  status: RolloutStatus;
  decision: Record<string, unknown> | null;
  started_at: Date;
  ended_at: Date | null;
};

const COLUMNS =
  'id::int AS id, tenant, kind, entry_kind, control_entry_id::int AS control_entry_id, treatment_entry_id::int AS treatment_entry_id, treatment_share, step, step_started_at, settings, status, decision, started_at, ended_at';

const toRollout = (r: RolloutRow): Rollout => ({
  id: r.id,
  tenant: r.tenant,
  kind: r.kind,
  entryKind: r.entry_kind,
  controlEntryId: r.control_entry_id,
  treatmentEntryId: r.treatment_entry_id,
  treatmentShare: Number(r.treatment_share),
  step: r.step,
  stepStartedAt: r.step_started_at,
  settings: r.settings,
  status: r.status,
  decision: r.decision,
  startedAt: r.started_at,
  endedAt: r.ended_at,
});

/** What starting a rollout takes. */
export interface StartRolloutInput {
  tenant: string;
  kind: RolloutKind;
  entryKind: EntryKind;
  controlEntryId: number | null;
  treatmentEntryId: number;
  treatmentShare: number;
  settings: Record<string, unknown>;
  at: Date;
  reason: string;
}

/** Starts a rollout and records its start event; CONFLICT when the tenant already runs one. */
export async function startRollout(q: Queryable, input: StartRolloutInput): Promise<Rollout> {
  const { rows } = await q
    .query<RolloutRow>(
      `INSERT INTO registry_rollouts (tenant, kind, entry_kind, control_entry_id, treatment_entry_id, treatment_share, step, step_started_at, settings, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8::jsonb, $7) RETURNING ${COLUMNS}`,
      [input.tenant, input.kind, input.entryKind, input.controlEntryId, input.treatmentEntryId, input.treatmentShare, input.at, JSON.stringify(input.settings)],
    )
    .catch((error: Error) => {
      if (/duplicate key|unique/i.test(error.message)) throw new GroundworkError('CONFLICT', `tenant ${input.tenant} already runs an A/B test or canary: stop it or let it finish first`);
      throw error;
    });
  const rollout = toRollout(rows[0]);
  await recordRolloutEvent(q, rollout, { event: 'start', at: input.at, reason: input.reason });
  return rollout;
}

/** Records an event of a rollout at its current share (or the one given). */
export async function recordRolloutEvent(
  q: Queryable,
  rollout: Pick<Rollout, 'id' | 'tenant' | 'treatmentShare'>,
  event: { event: string; at: Date; reason: string; metrics?: Record<string, unknown>; treatmentShare?: number },
): Promise<void> {
  await q.query(`INSERT INTO registry_rollout_events (tenant, rollout_id, at, event, treatment_share, metrics, reason) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`, [
    rollout.tenant,
    rollout.id,
    event.at,
    event.event,
    event.treatmentShare ?? rollout.treatmentShare,
    JSON.stringify(event.metrics ?? {}),
    event.reason,
  ]);
}

/** Changes a running rollout's share, step, status or decision. */
export async function updateRollout(
  q: Queryable,
  rollout: Pick<Rollout, 'id' | 'tenant'>,
  change: { treatmentShare?: number; step?: number; stepStartedAt?: Date; status?: RolloutStatus; decision?: Record<string, unknown>; endedAt?: Date },
): Promise<Rollout> {
  const { rows } = await q.query<RolloutRow>(
    `UPDATE registry_rollouts SET
       treatment_share = coalesce($3, treatment_share), step = coalesce($4, step), step_started_at = coalesce($5, step_started_at),
       status = coalesce($6, status), decision = coalesce($7::jsonb, decision), ended_at = coalesce($8, ended_at)
     WHERE tenant = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      rollout.tenant,
      rollout.id,
      change.treatmentShare ?? null,
      change.step ?? null,
      change.stepStartedAt ?? null,
      change.status ?? null,
      change.decision === undefined ? null : JSON.stringify(change.decision),
      change.endedAt ?? null,
    ],
  );
  if (rows.length === 0) throw new GroundworkError('NOT_FOUND', `rollout ${rollout.id} not found`);
  return toRollout(rows[0]);
}

/** The tenant's running rollout, if any. */
export async function runningRollout(q: Queryable, tenant: string): Promise<Rollout | undefined> {
  const { rows } = await q.query<RolloutRow>(`SELECT ${COLUMNS} FROM registry_rollouts WHERE tenant = $1 AND status = 'running'`, [tenant]);
  return rows[0] ? toRollout(rows[0]) : undefined;
}

/**
 * Every running rollout of a kind, for the controller (one row per tenant at most; the controller
 * then works on each tenant's rollout with that tenant's rows only).
 */
export async function runningRollouts(db: Db, kind: RolloutKind): Promise<Rollout[]> {
  const { rows } = await db.query<RolloutRow>(`SELECT ${COLUMNS} FROM registry_rollouts WHERE status = 'running' AND kind = $1 ORDER BY id`, [kind]);
  return rows.map(toRollout);
}

/** A tenant's rollouts that involve an entry (as control or treatment), newest first. */
export async function rolloutsOfEntry(q: Queryable, tenant: string, entryId: number): Promise<Rollout[]> {
  const { rows } = await q.query<RolloutRow>(
    `SELECT ${COLUMNS} FROM registry_rollouts WHERE tenant = $1 AND (treatment_entry_id = $2 OR control_entry_id = $2) ORDER BY id DESC`,
    [tenant, entryId],
  );
  return rows.map(toRollout);
}

/** A rollout by id within a tenant. */
export async function getRollout(q: Queryable, tenant: string, id: number): Promise<Rollout> {
  const { rows } = await q.query<RolloutRow>(`SELECT ${COLUMNS} FROM registry_rollouts WHERE tenant = $1 AND id = $2`, [tenant, id]);
  if (!rows[0]) throw new GroundworkError('NOT_FOUND', `rollout ${id} not found in tenant ${tenant}`);
  return toRollout(rows[0]);
}

/** A rollout's events in order. */
export async function rolloutEvents(q: Queryable, rollout: Pick<Rollout, 'id' | 'tenant'>): Promise<RolloutEvent[]> {
  const { rows } = await q.query<{ id: number; rollout_id: number; at: Date; event: string; treatment_share: number; metrics: Record<string, unknown>; reason: string }>(
    `SELECT id::int AS id, rollout_id::int AS rollout_id, at, event, treatment_share, metrics, reason FROM registry_rollout_events WHERE tenant = $1 AND rollout_id = $2 ORDER BY id`,
    [rollout.tenant, rollout.id],
  );
  return rows.map((r) => ({ id: r.id, rolloutId: r.rollout_id, at: r.at, event: r.event, treatmentShare: Number(r.treatment_share), metrics: r.metrics, reason: r.reason }));
}
