import { openPgDb } from '../../src/db/pg-driver.js';
import { openPgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';
import { freshTestDatabase, postgresReachable } from './postgres.js';

/** A driver a contract suite runs against: PGlite always, PostgreSQL when reachable (always in CI). */
export interface DriverCase {
  name: 'pglite' | 'postgres';
  /** Opens an empty database (fresh PGlite in memory, or a freshly created PostgreSQL database). */
  open(): Promise<Db>;
}

/** Driver cases for `describe.each`. Call at module top level with an await. */
export async function driverCases(testName: string): Promise<DriverCase[]> {
  const cases: DriverCase[] = [{ name: 'pglite', open: () => openPgliteDb({ dataDir: 'memory://' }) }];
  if (await postgresReachable()) {
    cases.push({
      name: 'postgres',
      open: async () => openPgDb({ connectionString: await freshTestDatabase(`${testName}_${process.pid}`) }),
    });
  }
  return cases;
}
