export type { Db, Queryable, QueryOptions, QueryResult } from './types.js';
export { openPgliteDb, DATA_DIR_MARKER, DEFAULT_PGLITE_SHARED_BUFFERS, type PgliteDbOptions } from './pglite-driver.js';
export { openPgDb, safeUrl, type PgDbOptions } from './pg-driver.js';
export { migrate, readMigrations, pendingMigrations, DEFAULT_MIGRATIONS_DIR, type Migration, type MigrateResult } from './migrate.js';
export { openDb, dbOptionsFromConfig, modelsDirFromConfig, type OpenDbOptions } from './open-db.js';
export { vectorLiteral, vectorBinary, vectorParam, indexVectorType, HNSW_MAX_VECTOR_DIMENSIONS, HNSW_MAX_HALFVEC_DIMENSIONS } from './vector-param.js';
export { maintainTables, maintenanceDue, type MaintainOptions, type TableSize } from './maintenance.js';
