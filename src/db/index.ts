export type { Db, Queryable, QueryOptions, QueryResult } from './types.js';
export { openPgliteDb, DATA_DIR_MARKER, type PgliteDbOptions } from './pglite-driver.js';
export { openPgDb, safeUrl, type PgDbOptions } from './pg-driver.js';
export { migrate, readMigrations, pendingMigrations, DEFAULT_MIGRATIONS_DIR, type Migration, type MigrateResult } from './migrate.js';
export { openDb, dbOptionsFromConfig, modelsDirFromConfig, type OpenDbOptions } from './open-db.js';
export { vectorLiteral, vectorBinary, vectorParam } from './vector-param.js';
export { maintainTables, maintenanceDue, type MaintainOptions, type TableSize } from './maintenance.js';
