import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { createRegistryStore, type RegistryEntry, type RegistryStore } from '../../src/registry/registry-store.js';
import type { DriverCase } from '../helpers/db-drivers.js';

export { mulberry32 as seeded } from '../../src/random.js';

/** A migrated database and a registry store on it. */
export async function openRegistry(driver: DriverCase): Promise<{ db: Db; registry: RegistryStore }> {
  const db = await driver.open();
  await migrate(db);
  return { db, registry: createRegistryStore(db) };
}

/** Registers an answer-config entry with a passing gate and load benchmark (ready for staging and production). */
export async function readyEntry(registry: RegistryStore, tenant: string, name: string, version: string, overrides: Record<string, unknown> = { retrieve: { mode: 'sparse' } }): Promise<RegistryEntry> {
  const entry = await registry.register({ tenant, kind: 'answer-config', name, version, overrides, codeVersion: 'test', experimentIds: [] });
  await registry.recordGate({ tenant, entryId: entry.id, passed: true, reasons: [{ check: 'fixture' }], experimentIds: [] });
  await registry.recordLoadBenchmark({ tenant, entryId: entry.id, passed: true, figures: { p95Ms: 10, errorRate: 0 }, limits: { p95Ms: 1000, errorRate: 0.01 } });
  return entry;
}

/** One simulated request as telemetry records it, with its rating when it got one. */
export interface SimulatedRequest {
  tenant: string;
  arm: string;
  at: Date;
  status: number;
  totalMs: number;
  refused?: boolean;
  costUsd?: number;
  rating?: 1 | -1;
}

let sequence = 0;

/**
 * Writes simulated requests as telemetry rows (the monitor's table, 0010) and their ratings as
 * feedback rows (0011), in two multi-row statements.
 */
export async function writeTraffic(db: Db, requests: readonly SimulatedRequest[]): Promise<void> {
  if (requests.length === 0) return;
  const ids = requests.map(() => `sim-${process.pid}-${(sequence += 1)}`);
  await db.query(
    `INSERT INTO telemetry (request_id, tenant, route, arm, status, total_ms, refused, cost_usd, created_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::real[], $7::boolean[], $8::float8[], $9::timestamptz[])`,
    [
      ids,
      requests.map((r) => r.tenant),
      requests.map(() => 'ask'),
      requests.map((r) => r.arm),
      requests.map((r) => r.status),
      requests.map((r) => r.totalMs),
      requests.map((r) => r.refused ?? false),
      requests.map((r) => r.costUsd ?? 0),
      requests.map((r) => r.at.toISOString()),
    ],
  );
  const rated = requests.map((r, i) => ({ r, id: ids[i] })).filter(({ r }) => r.rating !== undefined);
  if (rated.length === 0) return;
  await db.query(
    `INSERT INTO feedback (tenant, request_id, rating, created_at) SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::timestamptz[])`,
    [rated.map(({ r }) => r.tenant), rated.map(({ id }) => id), rated.map(({ r }) => r.rating), rated.map(({ r }) => r.at.toISOString())],
  );
}
