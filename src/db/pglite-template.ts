import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';

/**
 * Where `npm run build` leaves the template data dir, beside the compiled driver. Made at build
 * time, never committed: it must come from the PGlite build that will open it.
 */
export const PGLITE_TEMPLATE_FILE = fileURLToPath(new URL('./pglite-template.tar.gz', import.meta.url));

interface TemplateStamp {
  pgliteVersion: string;
  initdbParams: string[];
}

/** The installed PGlite's version: a template from another version is never used. */
function pgliteVersion(): string {
  // Its exports map hides package.json: walk up from the entry point to the package's root.
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (;;) {
    const manifestPath = join(dir, 'package.json');
    if (existsSync(manifestPath)) {
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === '@electric-sql/pglite' && manifest.version) return manifest.version;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the version of @electric-sql/pglite');
    dir = parent;
  }
}

const stampPath = (templatePath: string): string => `${templatePath}.json`;

/**
 * Runs initdb once, in memory, and writes the new cluster as a gzipped tar (plus a stamp naming
 * the PGlite version and initdb parameters). Opening a fresh data dir from it skips initdb: PGlite
 * 0.5 runs initdb in a second WebAssembly instance and copies its memory and files across, which
 * took 6-7 s and peaked at ~650 MB of RSS on a 2-core machine for an empty store; from the template,
 * ~1 s and ~420 MB.
 */
export async function makePgliteTemplate(templatePath: string, initdbParams: string[]): Promise<void> {
  const pg = await PGlite.create({ initDbStartParams: initdbParams });
  try {
    const blob = await pg.dumpDataDir('gzip');
    writeFileSync(templatePath, Buffer.from(await blob.arrayBuffer()));
  } finally {
    await pg.close();
  }
  const stamp: TemplateStamp = { pgliteVersion: pgliteVersion(), initdbParams };
  writeFileSync(stampPath(templatePath), `${JSON.stringify(stamp, null, 2)}\n`);
}

/**
 * The template as PGlite's `loadDataDir` takes it, when one exists at `templatePath` for this
 * PGlite version and these initdb parameters; undefined otherwise (the data dir is then made by
 * initdb, as without a template).
 */
export function readPgliteTemplate(templatePath: string, initdbParams: string[]): Blob | undefined {
  if (!existsSync(templatePath) || !existsSync(stampPath(templatePath))) return undefined;
  const stamp = JSON.parse(readFileSync(stampPath(templatePath), 'utf8')) as TemplateStamp;
  if (stamp.pgliteVersion !== pgliteVersion() || JSON.stringify(stamp.initdbParams) !== JSON.stringify(initdbParams)) return undefined;
  return new Blob([readFileSync(templatePath)]);
}
