import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openPgDb } from '../../../src/db/pg-driver.js';
import type { Db } from '../../../src/db/types.js';

/** The router's own test database (created when absent). */
export const ROUTER_TEST_DB = 'groundwork_router_test';
export const ROUTER_TEST_URL = `postgres://postgres@127.0.0.1:5432/${ROUTER_TEST_DB}`;
const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const COSTS_MIGRATION = readFileSync(fileURLToPath(new URL('../../../migrations/0003_costs.sql', import.meta.url)), 'utf8');

/** Creates the database if needed; returns a reason string when PostgreSQL is unreachable. */
export async function prepareRouterTestDatabase(): Promise<string | undefined> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    return `PostgreSQL unreachable at 127.0.0.1:5432 (${(error as Error).message})`;
  }
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [ROUTER_TEST_DB]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${ROUTER_TEST_DB}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created concurrently
    });
  } finally {
    await admin.end();
  }
  return undefined;
}

/** Opens the test database with fresh 0003 tables. */
export async function openFreshCostsDb(): Promise<Db> {
  const db = await openPgDb({ connectionString: ROUTER_TEST_URL, max: 20 });
  await db.exec('DROP TABLE IF EXISTS tenant_budgets, budget_reservations, cost_ledger');
  await db.exec(COSTS_MIGRATION);
  return db;
}
