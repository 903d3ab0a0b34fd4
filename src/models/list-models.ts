/** Lists the models installed in a models folder (`<org>/<name>/` or `<name>/` with a config.json). */
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ONNX_FILE_BY_DTYPE, type LocalDtype } from './local-model.js';
import { type ModelManifest, readModelManifest } from './model-manifest.js';

/** One installed model, as `groundwork models list` shows it. */
export interface InstalledModel {
  id: string;
  dir: string;
  kind: 'embedder' | 'reranker' | 'unknown';
  revision?: string;
  dimensions?: number;
  dtypes: LocalDtype[];
  source?: ModelManifest['source'];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory() && !entry.name.startsWith('.')).map((entry) => entry.name).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function describe(id: string, dir: string): Promise<InstalledModel> {
  const manifest = await readModelManifest(dir);
  const present: LocalDtype[] = [];
  for (const dtype of Object.keys(ONNX_FILE_BY_DTYPE) as LocalDtype[]) if (await exists(join(dir, ONNX_FILE_BY_DTYPE[dtype]))) present.push(dtype);
  return {
    id: manifest?.id ?? id,
    dir,
    kind: manifest?.kind ?? 'unknown',
    ...(manifest?.revision ? { revision: manifest.revision } : {}),
    ...(manifest?.dimensions ? { dimensions: manifest.dimensions } : {}),
    dtypes: present,
    ...(manifest?.source ? { source: manifest.source } : {}),
  };
}

/** Installed models sorted by id; an absent models folder means none. */
export async function listModels(modelsDir: string): Promise<InstalledModel[]> {
  const found: InstalledModel[] = [];
  for (const first of await subdirectories(modelsDir)) {
    const firstDir = join(modelsDir, first);
    if (await exists(join(firstDir, 'config.json'))) {
      found.push(await describe(first, firstDir));
      continue;
    }
    for (const second of await subdirectories(firstDir)) {
      const dir = join(firstDir, second);
      if (await exists(join(dir, 'config.json'))) found.push(await describe(`${first}/${second}`, dir));
    }
  }
  return found.sort((a, b) => a.id.localeCompare(b.id));
}
