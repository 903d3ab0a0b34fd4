import { openPgDb } from '../../src/db/index.js';
import { answerCacheContract } from './answer-cache.contract.js';
import { freshPostgresDatabase } from './helpers.js';

// Skipped (reported as skipped, not passed) when no PostgreSQL is reachable at 127.0.0.1:5432.
answerCacheContract('PostgreSQL', async () => {
  const url = await freshPostgresDatabase('gw_cache_test');
  return url ? openPgDb({ connectionString: url }) : undefined;
});
