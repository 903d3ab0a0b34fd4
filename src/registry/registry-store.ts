import type { ConfigInput } from '../config/schema.js';
import type { Db, Queryable } from '../db/types.js';
import { GroundworkError, InputError } from '../errors.js';
import { artifactOverrides, GLOBAL_SCOPE, majorOf, parseEntryKind, type EntryKind, type Stage } from './entry-kinds.js';
import { validateOverrides } from './config-overrides.js';
import { assertTenantName } from '../config/tenant-name.js';

/** A versioned model or configuration (migrations/0012_registry.sql). */
export interface RegistryEntry {
  id: number;
  /** A tenant name, or '*' (GLOBAL_SCOPE) for every tenant without its own. */
  tenant: string;
  kind: EntryKind;
  name: string;
  version: string;
  stage: Stage;
  /** The config override serving this entry applies over the base configuration. */
  overrides: ConfigInput;
  artifactPath: string | null;
  modelCardPath: string | null;
  experimentIds: string[];
  datasetHashes: Record<string, string>;
  codeVersion: string;
  description: string;
  createdAt: Date;
}

/** What `register` takes. */
export interface RegisterEntryInput {
  tenant: string;
  kind: EntryKind;
  name: string;
  version: string;
  /** Required for answer-config, ranker and cache-calibration; derived from artifactPath for the others when absent. */
  overrides?: unknown;
  artifactPath?: string;
  modelCardPath?: string;
  experimentIds?: string[];
  datasetHashes?: Record<string, string>;
  codeVersion: string;
  description?: string;
}

/** One stage change of an entry. */
export interface PromotionRecord {
  id: number;
  entryId: number;
  fromStage: string;
  toStage: string;
  actor: string;
  reason: string;
  details: Record<string, unknown>;
  createdAt: Date;
}

/** A stored eval gate decision. */
export interface GateRecord {
  id: number;
  entryId: number | null;
  baselineEntryId: number | null;
  passed: boolean;
  reasons: unknown;
  experimentIds: string[];
  createdAt: Date;
}

/** A stored load benchmark of an entry. */
export interface LoadBenchmarkRecord {
  id: number;
  entryId: number;
  passed: boolean;
  figures: Record<string, number>;
  limits: Record<string, number>;
  createdAt: Date;
}

type EntryRow = {
  id: number;
  tenant: string;
  kind: EntryKind;
  name: string;
  version: string;
  stage: Stage;
  overrides: ConfigInput;
  artifact_path: string | null;
  model_card_path: string | null;
  experiment_ids: string[];
  dataset_hashes: Record<string, string>;
  code_version: string;
  description: string;
  created_at: Date;
};

const ENTRY_COLUMNS =
  'id::int AS id, tenant, kind, name, version, stage, overrides, artifact_path, model_card_path, experiment_ids, dataset_hashes, code_version, description, created_at';

const toEntry = (row: EntryRow): RegistryEntry => ({
  id: row.id,
  tenant: row.tenant,
  kind: row.kind,
  name: row.name,
  version: row.version,
  stage: row.stage,
  overrides: row.overrides,
  artifactPath: row.artifact_path,
  modelCardPath: row.model_card_path,
  experimentIds: row.experiment_ids ?? [],
  datasetHashes: row.dataset_hashes,
  codeVersion: row.code_version,
  description: row.description,
  createdAt: row.created_at,
});

/** A tenant name or the global scope '*'. */
export function assertScope(value: string, field = 'tenant'): string {
  return value === GLOBAL_SCOPE ? value : assertTenantName(value, field);
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Stores, reads and moves registry entries; every query names the entry's scope. */
export interface RegistryStore {
  readonly db: Db;
  register(input: RegisterEntryInput): Promise<RegistryEntry>;
  /** The entry with this id (in `tenant`'s scope or the global one when tenant is given). */
  get(id: number, options?: { tenant?: string }): Promise<RegistryEntry>;
  list(options?: { tenant?: string; kind?: EntryKind; stage?: Stage }): Promise<RegistryEntry[]>;
  /** The production entry of a kind for a tenant: its own, else the global one. */
  production(tenant: string, kind: EntryKind, q?: Queryable): Promise<RegistryEntry | undefined>;
  /** Every production entry a tenant's requests use (its own, and global ones of other kinds). */
  productionEntries(tenant: string, q?: Queryable): Promise<RegistryEntry[]>;
  /**
   * Moves an entry to a stage and records the change. Moving to production archives the scope's
   * production entry of that kind first (one production entry per kind and scope).
   */
  setStage(q: Queryable, entry: RegistryEntry, to: Stage, change: { actor: string; reason: string; details?: Record<string, unknown>; at?: Date }): Promise<RegistryEntry>;
  history(entry: Pick<RegistryEntry, 'id' | 'tenant'>): Promise<PromotionRecord[]>;
  recordGate(input: { tenant: string; entryId?: number; baselineEntryId?: number; passed: boolean; reasons: unknown; experimentIds: string[] }): Promise<GateRecord>;
  latestGate(entry: Pick<RegistryEntry, 'id' | 'tenant'>): Promise<GateRecord | undefined>;
  recordLoadBenchmark(input: { tenant: string; entryId: number; passed: boolean; figures: Record<string, number>; limits: Record<string, number> }): Promise<LoadBenchmarkRecord>;
  latestLoadBenchmark(entry: Pick<RegistryEntry, 'id' | 'tenant'>): Promise<LoadBenchmarkRecord | undefined>;
}

/** Builds the registry store on a Db. */
export function createRegistryStore(db: Db): RegistryStore {
  const get: RegistryStore['get'] = async (id, options = {}) => {
    if (!Number.isInteger(id) || id < 1) throw new InputError('entry id', `must be a positive integer, got ${id}`);
    const scopes = options.tenant === undefined ? undefined : [assertScope(options.tenant), GLOBAL_SCOPE];
    const { rows } = await db.query<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM registry_entries WHERE id = $1 AND ($2::text[] IS NULL OR tenant = ANY($2::text[]))`,
      [id, scopes ?? null],
    );
    if (rows.length === 0) throw new GroundworkError('NOT_FOUND', `registry entry ${id} not found`, { details: { id } });
    return toEntry(rows[0]);
  };

  const production: RegistryStore['production'] = async (tenant, kind, q = db) => {
    const { rows } = await q.query<EntryRow>(
      `SELECT ${ENTRY_COLUMNS} FROM registry_entries WHERE tenant = ANY($1::text[]) AND kind = $2 AND stage = 'production'
       ORDER BY (tenant = $3) DESC LIMIT 1`,
      [[assertScope(tenant), GLOBAL_SCOPE], kind, tenant],
    );
    return rows[0] ? toEntry(rows[0]) : undefined;
  };

  return {
    db,
    async register(input) {
      const tenant = assertScope(input.tenant);
      const kind = parseEntryKind(input.kind);
      if (!NAME_PATTERN.test(input.name)) throw new InputError('name', `"${input.name}" must be 1 to 64 letters, digits, "_", "." or "-"`);
      majorOf(input.version);
      const implied = input.artifactPath ? artifactOverrides(kind, input.artifactPath) : undefined;
      if (input.overrides === undefined && implied === undefined) {
        throw new InputError('overrides', `a ${kind} entry needs its config overrides${kind === 'answer-config' ? '' : ' (no config key loads this artifact by path)'}`);
      }
      const overrides = validateOverrides(input.overrides ?? implied);
      if (!input.codeVersion) throw new InputError('codeVersion', 'is required');
      const { rows } = await db
        .query<EntryRow>(
          `INSERT INTO registry_entries (tenant, kind, name, version, overrides, artifact_path, model_card_path, experiment_ids, dataset_hashes, code_version, description)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8::text[], $9::jsonb, $10, $11) RETURNING ${ENTRY_COLUMNS}`,
          [
            tenant,
            kind,
            input.name,
            input.version,
            JSON.stringify(overrides),
            input.artifactPath ?? null,
            input.modelCardPath ?? null,
            input.experimentIds ?? [],
            JSON.stringify(input.datasetHashes ?? {}),
            input.codeVersion,
            input.description ?? '',
          ],
        )
        .catch((error: Error) => {
          if (/duplicate key|unique/i.test(error.message)) throw new GroundworkError('CONFLICT', `${kind} ${input.name}@${input.version} is already registered in scope ${tenant}`);
          throw error;
        });
      const entry = toEntry(rows[0]);
      await db.query(
        `INSERT INTO registry_promotions (tenant, entry_id, from_stage, to_stage, actor, reason) VALUES ($1, $2, 'none', 'dev', 'register', 'registered')`,
        [entry.tenant, entry.id],
      );
      return entry;
    },
    get,
    async list(options = {}) {
      const scopes = options.tenant === undefined ? null : [assertScope(options.tenant), GLOBAL_SCOPE];
      const { rows } = await db.query<EntryRow>(
        `SELECT ${ENTRY_COLUMNS} FROM registry_entries
         WHERE ($1::text[] IS NULL OR tenant = ANY($1::text[])) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR stage = $3)
         ORDER BY tenant, kind, id DESC`,
        [scopes, options.kind ?? null, options.stage ?? null],
      );
      return rows.map(toEntry);
    },
    production,
    async productionEntries(tenant, q = db) {
      const { rows } = await q.query<EntryRow>(
        `SELECT DISTINCT ON (kind) ${ENTRY_COLUMNS} FROM registry_entries
         WHERE tenant = ANY($1::text[]) AND stage = 'production' ORDER BY kind, (tenant = $2) DESC`,
        [[assertScope(tenant), GLOBAL_SCOPE], tenant],
      );
      return rows.map(toEntry);
    },
    async setStage(q, entry, to, change) {
      const at = change.at ?? new Date();
      if (to === 'production') {
        const { rows: current } = await q.query<{ id: number }>(
          `SELECT id::int AS id FROM registry_entries WHERE tenant = $1 AND kind = $2 AND stage = 'production' AND id <> $3`,
          [entry.tenant, entry.kind, entry.id],
        );
        for (const row of current) {
          await q.query(`UPDATE registry_entries SET stage = 'archived' WHERE tenant = $1 AND id = $2`, [entry.tenant, row.id]);
          await q.query(
            `INSERT INTO registry_promotions (tenant, entry_id, from_stage, to_stage, actor, reason, details, created_at) VALUES ($1, $2, 'production', 'archived', $3, $4, $5::jsonb, $6)`,
            [entry.tenant, row.id, change.actor, `replaced by entry ${entry.id}`, JSON.stringify({ replacedBy: entry.id }), at],
          );
        }
      }
      const { rows } = await q.query<EntryRow>(`UPDATE registry_entries SET stage = $3 WHERE tenant = $1 AND id = $2 RETURNING ${ENTRY_COLUMNS}`, [entry.tenant, entry.id, to]);
      if (rows.length === 0) throw new GroundworkError('NOT_FOUND', `registry entry ${entry.id} not found`);
      await q.query(
        `INSERT INTO registry_promotions (tenant, entry_id, from_stage, to_stage, actor, reason, details, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
        [entry.tenant, entry.id, entry.stage, to, change.actor, change.reason, JSON.stringify(change.details ?? {}), at],
      );
      return toEntry(rows[0]);
    },
    async history(entry) {
      const { rows } = await db.query<{ id: number; entry_id: number; from_stage: string; to_stage: string; actor: string; reason: string; details: Record<string, unknown>; created_at: Date }>(
        `SELECT id::int AS id, entry_id::int AS entry_id, from_stage, to_stage, actor, reason, details, created_at FROM registry_promotions WHERE tenant = $1 AND entry_id = $2 ORDER BY id`,
        [entry.tenant, entry.id],
      );
      return rows.map((r) => ({ id: r.id, entryId: r.entry_id, fromStage: r.from_stage, toStage: r.to_stage, actor: r.actor, reason: r.reason, details: r.details, createdAt: r.created_at }));
    },
    async recordGate(input) {
      const { rows } = await db.query<GateRow>(
        `INSERT INTO registry_gate_records (tenant, entry_id, baseline_entry_id, passed, reasons, experiment_ids) VALUES ($1, $2, $3, $4, $5::jsonb, $6::text[]) RETURNING ${GATE_COLUMNS}`,
        [assertScope(input.tenant), input.entryId ?? null, input.baselineEntryId ?? null, input.passed, JSON.stringify(input.reasons), input.experimentIds],
      );
      return toGate(rows[0]);
    },
    async latestGate(entry) {
      const { rows } = await db.query<GateRow>(`SELECT ${GATE_COLUMNS} FROM registry_gate_records WHERE tenant = $1 AND entry_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1`, [entry.tenant, entry.id]);
      return rows[0] ? toGate(rows[0]) : undefined;
    },
    async recordLoadBenchmark(input) {
      const { rows } = await db.query<LoadRow>(
        `INSERT INTO registry_load_benchmarks (tenant, entry_id, passed, figures, limits) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb) RETURNING ${LOAD_COLUMNS}`,
        [assertScope(input.tenant), input.entryId, input.passed, JSON.stringify(input.figures), JSON.stringify(input.limits)],
      );
      return toLoad(rows[0]);
    },
    async latestLoadBenchmark(entry) {
      const { rows } = await db.query<LoadRow>(`SELECT ${LOAD_COLUMNS} FROM registry_load_benchmarks WHERE tenant = $1 AND entry_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1`, [entry.tenant, entry.id]);
      return rows[0] ? toLoad(rows[0]) : undefined;
    },
  };
}

type GateRow = { id: number; entry_id: number | null; baseline_entry_id: number | null; passed: boolean; reasons: unknown; experiment_ids: string[]; created_at: Date };
const GATE_COLUMNS = 'id::int AS id, entry_id::int AS entry_id, baseline_entry_id::int AS baseline_entry_id, passed, reasons, experiment_ids, created_at';
const toGate = (r: GateRow): GateRecord => ({ id: r.id, entryId: r.entry_id, baselineEntryId: r.baseline_entry_id, passed: r.passed, reasons: r.reasons, experimentIds: r.experiment_ids ?? [], createdAt: r.created_at });

type LoadRow = { id: number; entry_id: number; passed: boolean; figures: Record<string, number>; limits: Record<string, number>; created_at: Date };
const LOAD_COLUMNS = 'id::int AS id, entry_id::int AS entry_id, passed, figures, limits, created_at';
const toLoad = (r: LoadRow): LoadBenchmarkRecord => ({ id: r.id, entryId: r.entry_id, passed: r.passed, figures: r.figures, limits: r.limits, createdAt: r.created_at });
