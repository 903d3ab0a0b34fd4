import type { Db } from '../db/types.js';
import type { Groundwork } from '../groundwork.js';
import { stderrRegistryLog, type RegistryLog } from './canary-controller.js';
import type { RegistryOptions } from './registry-options.js';
import type { RegistryStore } from './registry-store.js';
import { runRetrainingPipeline } from './retraining-pipeline.js';
import type { RetrainableKind } from './retrainable-kinds.js';

/**
 * Ratings a run learns from: the latest four retraining intervals (a month at weekly retraining;
 * methodology phase 7: "use_latest_N_months_data", N = 1).
 */
export const LABEL_WINDOW_INTERVALS = 4;

/** How long a claimed retraining run stays with its process before another may take it over. */
export const RETRAINING_LEASE_MS = 60 * 60 * 1000;

/** A queued retraining run. */
export interface RetrainingRun {
  id: number;
  tenant: string;
  kind: RetrainableKind;
  trigger: string;
  createdAt: Date;
}

/** Queues a retraining run of a tenant's model of `kind` (one queued or running per tenant and kind). */
export async function enqueueRetraining(db: Db, tenant: string, trigger: string, at: Date, kind: RetrainableKind = 'answerability-model'): Promise<RetrainingRun | undefined> {
  const { rows } = await db.query<{ id: number; created_at: Date }>(
    `INSERT INTO registry_retraining_runs (tenant, kind, trigger, created_at)
     SELECT $1, $4, $2, $3
      WHERE NOT EXISTS (SELECT 1 FROM registry_retraining_runs WHERE tenant = $1 AND kind = $4 AND status IN ('queued', 'running'))
     RETURNING id::int AS id, created_at`,
    [tenant, trigger, at, kind],
  );
  return rows[0] ? { id: rows[0].id, tenant, kind, trigger, createdAt: rows[0].created_at } : undefined;
}

/** Claims the oldest queued run (or one whose lease ran out) with FOR UPDATE SKIP LOCKED. */
export async function claimRetraining(db: Db, workerId: string, now: Date): Promise<RetrainingRun | undefined> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: number; tenant: string; kind: RetrainableKind; trigger: string; created_at: Date }>(
      `SELECT id::int AS id, tenant, kind, trigger, created_at FROM registry_retraining_runs
        WHERE status = 'queued' OR (status = 'running' AND lease_expires_at < $1)
        ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    const run = rows[0];
    if (!run) return undefined;
    await tx.query(`UPDATE registry_retraining_runs SET status = 'running', locked_by = $3, started_at = $2, lease_expires_at = $4 WHERE tenant = $5 AND id = $1`, [
      run.id,
      now,
      workerId,
      new Date(now.getTime() + RETRAINING_LEASE_MS),
      run.tenant,
    ]);
    return { id: run.id, tenant: run.tenant, kind: run.kind, trigger: run.trigger, createdAt: run.created_at };
  });
}

async function finish(db: Db, run: RetrainingRun, now: Date, outcome: { result?: unknown; error?: string }): Promise<void> {
  await db.query(`UPDATE registry_retraining_runs SET status = $3, result = $4::jsonb, error = $5, finished_at = $6, lease_expires_at = NULL WHERE tenant = $1 AND id = $2`, [
    run.tenant,
    run.id,
    outcome.error === undefined ? 'done' : 'failed',
    outcome.result === undefined ? null : JSON.stringify(outcome.result),
    outcome.error ?? null,
    now,
  ]);
}

/**
 * Queues the tenants due a retraining at `now`, once per configured kind: those with rated
 * questions whose last run of the kind is older than the interval (weekly by default), and those
 * with an open drift alert over the PSI threshold (monitor_alerts) opened after that run. Lists tenant names across tenants (a scheduler's
 * job); every read of data after that is by tenant.
 */
export async function queueDueRetraining(db: Db, options: RegistryOptions['retraining'], now: Date): Promise<RetrainingRun[]> {
  const { rows } = await db.query<{ tenant: string; kind: RetrainableKind; last: Date | null; drift: boolean }>(
    `SELECT q.tenant, k.kind,
            (SELECT max(created_at) FROM registry_retraining_runs r WHERE r.tenant = q.tenant AND r.kind = k.kind) AS last,
            EXISTS (SELECT 1 FROM monitor_alerts a WHERE a.tenant = q.tenant AND a.kind = 'drift' AND a.resolved_at IS NULL AND a.value > $1
                     AND a.opened_at > coalesce((SELECT max(created_at) FROM registry_retraining_runs r WHERE r.tenant = q.tenant AND r.kind = k.kind), '-infinity'::timestamptz)) AS drift
       FROM (SELECT DISTINCT tenant FROM registry_served_questions) q
      CROSS JOIN unnest($2::text[]) AS k(kind)
      ORDER BY q.tenant, array_position($2::text[], k.kind)`,
    [options.driftPsi, options.kinds],
  );
  const queued: RetrainingRun[] = [];
  for (const row of rows) {
    const due = row.last === null || now.getTime() - row.last.getTime() >= options.intervalMs;
    const trigger = row.drift ? `drift (PSI > ${options.driftPsi})` : due ? 'schedule' : undefined;
    if (!trigger) continue;
    const run = await enqueueRetraining(db, row.tenant, trigger, now, row.kind);
    if (run) queued.push(run);
  }
  return queued;
}

/** Runs queued retraining runs until the queue is empty; returns what each did. */
export async function drainRetraining(
  deps: { base: Groundwork; registry: RegistryStore; options: RegistryOptions['retraining']; workerId: string; log?: RegistryLog; now?: () => Date; outDir?: string },
): Promise<Array<{ run: RetrainingRun; result?: unknown; error?: string }>> {
  const log = deps.log ?? stderrRegistryLog;
  const clock = deps.now ?? (() => new Date());
  const done: Array<{ run: RetrainingRun; result?: unknown; error?: string }> = [];
  for (;;) {
    const run = await claimRetraining(deps.registry.db, deps.workerId, clock());
    if (!run) return done;
    const golden = typeof deps.options.golden === 'string' ? deps.options.golden : deps.options.golden?.[run.tenant];
    try {
      const since = new Date(clock().getTime() - LABEL_WINDOW_INTERVALS * deps.options.intervalMs);
      const result = await runRetrainingPipeline(deps.base, deps.registry, {
        tenant: run.tenant,
        kind: run.kind,
        since,
        golden,
        datasets: deps.options.rankerDatasets,
        approve: deps.options.approve,
        loadRequests: deps.options.loadRequests,
        outDir: deps.outDir,
        now: clock(),
      });
      const summary = { kind: run.kind, entryId: result.candidate.entry.id, experimentId: result.candidate.experimentId, stage: result.stage, stoppedBecause: result.stoppedBecause, canaryId: result.canary?.id };
      await finish(deps.registry.db, run, clock(), { result: summary });
      log({ level: 'info', msg: 'retraining run done', runId: run.id, tenant: run.tenant, trigger: run.trigger, ...summary });
      done.push({ run, result: summary });
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      await finish(deps.registry.db, run, clock(), { error: message });
      log({ level: 'warn', msg: 'retraining run failed', runId: run.id, tenant: run.tenant, kind: run.kind, trigger: run.trigger, error: message });
      done.push({ run, error: message });
    }
  }
}

/** Checks for due retraining every `checkIntervalMs` and drains the queue (inside serve/worker). */
export function scheduleRetraining(deps: { base: Groundwork; registry: RegistryStore; options: RegistryOptions['retraining']; workerId: string; log?: RegistryLog }): { stop(): Promise<void> } {
  const log = deps.log ?? stderrRegistryLog;
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = (async () => {
      await queueDueRetraining(deps.registry.db, deps.options, new Date());
      await drainRetraining({ ...deps, log });
    })()
      .catch((error: unknown) => log({ level: 'warn', msg: 'retraining check failed', error: (error as Error)?.message ?? String(error) }))
      .finally(() => {
        running = undefined;
      });
  }, deps.options.checkIntervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
