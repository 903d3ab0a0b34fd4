import type { Db, Queryable } from '../db/types.js';
import { GroundworkError, InputError } from '../errors.js';
import type { ResamplingOptions } from './bootstrap-ci.js';
import {
  experimentInputSchema,
  formatExperimentId,
  parseExperimentId,
  VERDICTS,
  type ExperimentInput,
  type ExperimentRecord,
  type ExperimentSummary,
  type Verdict,
} from './experiment-record.js';
import { pairedTest, type PairedTestResult } from './paired-test.js';

/** Comparison of two stored experiments over the queries they share. */
export interface ExperimentComparison {
  a: string;
  b: string;
  datasetHash: string;
  /** Queries present in both, in A's order. */
  queries: number;
  onlyInA: number;
  onlyInB: number;
  /** Paired test of B against A per metric both recorded for every shared query. */
  metrics: Record<string, PairedTestResult>;
}

/** Stores and reads experiment records (migrations/0005_experiments.sql). */
export interface ExperimentStore {
  create(input: ExperimentInput): Promise<ExperimentRecord>;
  get(id: string): Promise<ExperimentRecord>;
  list(options?: { limit?: number; tenant?: string }): Promise<ExperimentSummary[]>;
  setVerdict(id: string, verdict: Verdict, notes?: string): Promise<void>;
  compare(a: string, b: string, options?: ResamplingOptions & { metrics?: string[] }): Promise<ExperimentComparison>;
}

interface ExperimentRow {
  id: string;
  tenant: string;
  created_at: Date;
  hypothesis: string | null;
  dataset: ExperimentRecord['dataset'];
  config: Record<string, unknown>;
  code_version: string;
  metrics: ExperimentRecord['metrics'];
  counts: Record<string, number>;
  baseline_id: string | null;
  comparison: ExperimentRecord['comparison'] | null;
  verdict: Verdict;
  notes: string | null;
  query_count?: number;
}

const COLUMNS = 'id, tenant, created_at, hypothesis, dataset, config, code_version, metrics, counts, baseline_id, comparison, verdict, notes';

/** Builds an experiment store on a Db. */
export function createExperimentStore(db: Db): ExperimentStore {
  async function readPerQuery(q: Queryable, id: string): Promise<ExperimentRecord['perQuery']> {
    const rows = await q.query<{ query_id: string; metrics: Record<string, number>; details: Record<string, unknown> }>(
      'SELECT query_id, metrics, details FROM experiment_query_results WHERE experiment_id = $1 ORDER BY ordinal',
      [id],
    );
    return rows.rows.map((row) => ({ queryId: row.query_id, metrics: row.metrics, details: row.details }));
  }

  async function get(id: string): Promise<ExperimentRecord> {
    parseExperimentId(id);
    const result = await db.query<ExperimentRow>(`SELECT ${COLUMNS} FROM experiments WHERE id = $1`, [id]);
    const row = result.rows[0];
    if (row === undefined) throw new GroundworkError('NOT_FOUND', `experiment ${id} not found`, { details: { id } });
    return { ...fromRow(row), perQuery: await readPerQuery(db, id) };
  }

  return {
    async create(input) {
      const parsed = experimentInputSchema.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(`experiment.${issue.path.join('.')}`, issue.message);
      }
      const record = parsed.data;
      const createdAt = record.createdAt ?? new Date();
      const day = createdAt.toISOString().slice(0, 10);
      return db.transaction(async (tx) => {
        const counter = await tx
          .query<{ last_number: number }>(
            `INSERT INTO experiment_counters (day, last_number) VALUES ($1::date, 1)
             ON CONFLICT (day) DO UPDATE SET last_number = experiment_counters.last_number + 1 RETURNING last_number`,
            [day],
          )
          .catch((error: Error) => {
            throw new GroundworkError('CONFLICT', `no experiment ids left for ${day} (999 per day): ${error.message}`, { cause: error });
          });
        const id = formatExperimentId(createdAt, counter.rows[0].last_number);
        if (record.baselineId !== undefined) {
          const baseline = await tx.query('SELECT 1 FROM experiments WHERE id = $1', [record.baselineId]);
          if (baseline.rows.length === 0) throw new InputError('baselineId', `experiment ${record.baselineId} does not exist`);
        }
        await tx.query(
          `INSERT INTO experiments (id, tenant, created_at, hypothesis, dataset, dataset_hash, config, code_version, metrics, counts,
             baseline_id, comparison, verdict, notes)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9::jsonb, $10::jsonb, $11, $12::jsonb, $13, $14)`,
          [
            id,
            record.tenant,
            createdAt,
            record.hypothesis ?? null,
            JSON.stringify(record.dataset),
            record.dataset.hash,
            JSON.stringify(record.config),
            record.codeVersion,
            JSON.stringify(record.metrics),
            JSON.stringify(record.counts),
            record.baselineId ?? null,
            record.comparison === undefined ? null : JSON.stringify(record.comparison),
            record.verdict,
            record.notes ?? null,
          ],
        );
        if (record.perQuery.length > 0) {
          const rows = record.perQuery.map((row, ordinal) => ({ query_id: row.queryId, ordinal, metrics: row.metrics, details: row.details }));
          await tx.query(
            `INSERT INTO experiment_query_results (experiment_id, query_id, ordinal, metrics, details)
             SELECT $1, r.query_id, r.ordinal, r.metrics, r.details
             FROM jsonb_to_recordset($2::jsonb) AS r(query_id text, ordinal integer, metrics jsonb, details jsonb)`,
            [id, JSON.stringify(rows)],
          );
        }
        const { createdAt: _ignored, ...rest } = record;
        return { ...rest, id, createdAt };
      });
    },

    get,

    async list(options = {}) {
      const limit = options.limit ?? 50;
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new InputError('limit', `must be an integer in 1..10000, got ${limit}`);
      const result = await db.query<ExperimentRow>(
        `SELECT ${COLUMNS.split(', ').map((c) => `e.${c}`).join(', ')},
           (SELECT count(*)::int FROM experiment_query_results r WHERE r.experiment_id = e.id) AS query_count
         FROM experiments e WHERE ($1::text IS NULL OR e.tenant = $1) ORDER BY e.id DESC LIMIT $2`,
        [options.tenant ?? null, limit],
      );
      return result.rows.map((row) => ({ ...fromRow(row), queryCount: row.query_count ?? 0 }));
    },

    async setVerdict(id, verdict, notes) {
      parseExperimentId(id);
      if (!VERDICTS.includes(verdict)) throw new InputError('verdict', `must be one of ${VERDICTS.join(', ')}, got "${verdict}"`);
      const result = await db.query('UPDATE experiments SET verdict = $2, notes = COALESCE($3, notes) WHERE id = $1', [id, verdict, notes ?? null]);
      if (result.rowCount === 0) throw new GroundworkError('NOT_FOUND', `experiment ${id} not found`, { details: { id } });
    },

    async compare(aId, bId, options = {}) {
      const [a, b] = await Promise.all([get(aId), get(bId)]);
      if (a.dataset.hash !== b.dataset.hash) {
        throw new InputError('experiments', `${aId} and ${bId} ran on different datasets (${a.dataset.hash} vs ${b.dataset.hash}); a paired comparison needs the same queries`);
      }
      const inB = new Map(b.perQuery.map((row) => [row.queryId, row.metrics]));
      const shared = a.perQuery.filter((row) => inB.has(row.queryId));
      if (shared.length === 0) throw new InputError('experiments', `${aId} and ${bId} share no queries`);
      const names = options.metrics ?? Object.keys(a.metrics).filter((name) => name in b.metrics);
      const metrics: Record<string, PairedTestResult> = {};
      for (const name of names) {
        const pairs = shared.map((row) => [row.metrics[name], inB.get(row.queryId)![name]] as const);
        if (pairs.some(([x, y]) => typeof x !== 'number' || typeof y !== 'number')) continue;
        metrics[name] = pairedTest(pairs.map(([x]) => x), pairs.map(([, y]) => y), options);
      }
      const inA = new Set(a.perQuery.map((row) => row.queryId));
      return {
        a: aId,
        b: bId,
        datasetHash: a.dataset.hash,
        queries: shared.length,
        onlyInA: a.perQuery.length - shared.length,
        onlyInB: b.perQuery.filter((row) => !inA.has(row.queryId)).length,
        metrics,
      };
    },
  };
}

function fromRow(row: ExperimentRow): Omit<ExperimentRecord, 'perQuery'> {
  return {
    id: row.id,
    tenant: row.tenant,
    createdAt: row.created_at,
    hypothesis: row.hypothesis ?? undefined,
    dataset: row.dataset,
    config: row.config,
    codeVersion: row.code_version,
    metrics: row.metrics,
    counts: row.counts,
    baselineId: row.baseline_id ?? undefined,
    comparison: row.comparison ?? undefined,
    verdict: row.verdict,
    notes: row.notes ?? undefined,
  };
}
