/** `groundwork models import <dir>`: copies a Transformers.js model folder into the models folder. */
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { GroundworkError } from '../errors.js';
import { modelDirFor } from './local-model.js';
import { computeModelIdentity, checkModelLayout } from './model-identity.js';
import { MODEL_MANIFEST_FILE, type ModelManifest, readModelManifest } from './model-manifest.js';

export interface ImportModelOptions {
  /** Id to install under (`org/name`). Default: the folder's groundwork.json id, else config.json `_name_or_path`, else `local/<folder name>`. */
  id?: string;
  /** Replace an installed model with the same id. */
  overwrite?: boolean;
}

const HF_ID = /^[\w.-]+\/[\w.-]+$/;

async function defaultId(srcDir: string): Promise<string> {
  const manifest = await readModelManifest(srcDir);
  if (manifest?.id && HF_ID.test(manifest.id)) return manifest.id;
  const config = JSON.parse(await readFile(join(srcDir, 'config.json'), 'utf8')) as { _name_or_path?: unknown };
  if (typeof config._name_or_path === 'string' && HF_ID.test(config._name_or_path)) return config._name_or_path;
  return `local/${basename(srcDir)}`;
}

/** Moves a prepared folder into place under `<modelsDir>/<id>` and writes its manifest. */
export async function installModelFolder(args: { stagingDir: string; modelsDir: string; id: string; source: ModelManifest['source']; overwrite?: boolean }): Promise<ModelManifest> {
  const target = modelDirFor(args.modelsDir, args.id);
  const previous = await readModelManifest(args.stagingDir);
  const usage = previous ? { kind: previous.kind, pooling: previous.pooling, queryPrefix: previous.queryPrefix, documentPrefix: previous.documentPrefix, maxInputTokens: previous.maxInputTokens } : undefined;
  const manifest = await computeModelIdentity(args.stagingDir, {
    id: args.id,
    source: args.source,
    usage: usage && Object.fromEntries(Object.entries(usage).filter(([, value]) => value !== undefined)),
  });
  await writeFile(join(args.stagingDir, MODEL_MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  await mkdir(dirname(target), { recursive: true });
  if (args.overwrite) await rm(target, { recursive: true, force: true });
  try {
    await rename(args.stagingDir, target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') {
      throw new GroundworkError('CONFLICT', `model "${args.id}" is already installed at ${target}; remove it first or import with overwrite`, { details: { id: args.id, target } });
    }
    throw error;
  }
  return manifest;
}

/**
 * Copies a model folder into `<modelsDir>/<id>/` and records its identity (id, revision,
 * dimensions, sha256 of every file) in groundwork.json.
 */
export async function importModel(srcDir: string, modelsDir: string, options: ImportModelOptions = {}): Promise<ModelManifest & { dir: string }> {
  await checkModelLayout(srcDir);
  const id = options.id ?? (await defaultId(srcDir));
  const target = modelDirFor(modelsDir, id);
  // Copy beside the target, then rename: a half-copied folder is never visible as installed.
  const stagingDir = join(modelsDir, `.import-${process.pid}-${Date.now()}`);
  await mkdir(modelsDir, { recursive: true });
  try {
    await cp(srcDir, stagingDir, { recursive: true });
    const manifest = await installModelFolder({ stagingDir, modelsDir, id, source: 'import', overwrite: options.overwrite });
    return { ...manifest, dir: target };
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}
