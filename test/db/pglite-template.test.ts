import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { initdbParams, openPgliteDb } from '../../src/db/pglite-driver.js';
import { makePgliteTemplate, readPgliteTemplate } from '../../src/db/pglite-template.js';

const root = mkdtempSync(join(tmpdir(), 'gw-template-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A template made as the build makes it, then given a marker table so a test can tell it was used. */
async function markedTemplate(path: string): Promise<void> {
  await makePgliteTemplate(path, initdbParams());
  const pg = await PGlite.create({ loadDataDir: new Blob([readFileSync(path)]) });
  await pg.exec('CREATE TABLE made_from_template (x int)');
  writeFileSync(path, Buffer.from(await (await pg.dumpDataDir('gzip')).arrayBuffer()));
  await pg.close();
}

describe('PGlite template data dir', () => {
  const template = join(root, 'template.tar.gz');

  it('a fresh data dir starts from the template; the store it opens is a working groundwork store', async () => {
    await markedTemplate(template);
    const db = await openPgliteDb({ dataDir: join(root, 'fresh'), template });
    try {
      const { rows } = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'made_from_template'");
      expect(rows[0].n).toBe(1);
      expect((await db.query<{ s: string }>('SHOW shared_buffers')).rows[0]).toBeDefined();
    } finally {
      await db.close();
    }
    // Opened again, the data dir is what it holds, not the template.
    const again = await openPgliteDb({ dataDir: join(root, 'fresh'), template: join(root, 'absent.tar.gz') });
    expect((await again.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'made_from_template'")).rows[0].n).toBe(1);
    await again.close();
  }, 120_000);

  it('a template made by another PGlite version or other initdb parameters is not used', async () => {
    const stamp = JSON.parse(readFileSync(`${template}.json`, 'utf8'));
    expect(readPgliteTemplate(template, initdbParams())).toBeInstanceOf(Blob);
    expect(readPgliteTemplate(template, initdbParams('64MB'))).toBeUndefined();
    writeFileSync(`${template}.json`, JSON.stringify({ ...stamp, pgliteVersion: '0.0.1' }));
    expect(readPgliteTemplate(template, initdbParams())).toBeUndefined();
    const db = await openPgliteDb({ dataDir: join(root, 'initdb'), template });
    expect((await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'made_from_template'")).rows[0].n).toBe(0);
    await db.close();
  }, 120_000);
});
