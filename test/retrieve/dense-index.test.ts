import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { hnswIndexName, registerEmbedder } from '../../src/search-index/embedder-binding.js';
import { driverCases } from '../helpers/db-drivers.js';

// The dense index: half precision on a PostgreSQL server (half the size), float on PGlite (whose
// WebAssembly build made halfvec inserts 8x slower); a server's float index of earlier versions
// is replaced at registration.
const cases = await driverCases('dense_index');

describe.each(cases)('dense HNSW index: $name', (driver) => {
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
  });
  afterAll(async () => db.close());

  it('is built with the driver vector type, once, and replaces a legacy float index on a server', async () => {
    const embedder = { id: 'test/embedder', revision: 'r1', dimensions: 8 };
    const { rows: [{ id }] } = await db.query<{ id: number }>("INSERT INTO embedders (model_id, revision, dimensions) VALUES ('test/embedder', 'r1', 8) RETURNING id");
    if (driver.name === 'postgres') {
      // A float index as earlier versions built it.
      await db.exec(`CREATE INDEX chunk_embeddings_hnsw_${id} ON chunk_embeddings USING hnsw ((embedding::vector(8)) vector_cosine_ops) WHERE embedder_id = ${id}`);
    }
    const registered = await registerEmbedder(db, embedder);
    expect(registered.id).toBe(id);
    await registerEmbedder(db, embedder);
    const { rows } = await db.query<{ indexname: string; indexdef: string }>("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'chunk_embeddings' AND indexname LIKE 'chunk_embeddings_hnsw%'");
    expect(rows.map((r) => r.indexname)).toEqual([hnswIndexName(id, driver.name)]);
    expect(rows[0].indexdef).toContain(driver.name === 'postgres' ? 'halfvec(8)' : 'vector(8)');
  });
});
