/** Identity of an installed model folder: id, revision, dimensions, kind and every file's sha256. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { GroundworkError } from '../errors.js';
import { ONNX_FILE_BY_DTYPE, sha256File } from './local-model.js';
import { MODEL_MANIFEST_FILE, type ModelManifest } from './model-manifest.js';

/** Files a Transformers.js text model folder needs (besides at least one ONNX file). */
export const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json'] as const;

/** Length of the revision string taken from the weights' sha256 (matches localRevision). */
const REVISION_LENGTH = 12;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((path) => path !== MODEL_MANIFEST_FILE)
    .sort();
}

/** Checks the folder has the Transformers.js layout; throws INPUT-coded errors naming what is missing. */
export async function checkModelLayout(dir: string): Promise<string[]> {
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch (error) {
    throw new GroundworkError('INPUT', `model folder ${dir} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const missing: string[] = REQUIRED_MODEL_FILES.filter((file) => !files.includes(file));
  if (!Object.values(ONNX_FILE_BY_DTYPE).some((file) => files.includes(file))) missing.push('onnx/model.onnx or onnx/model_quantized.onnx');
  if (missing.length > 0) {
    throw new GroundworkError('INPUT', `${dir} is not a Transformers.js model folder: missing ${missing.join(', ')}`, { details: { dir, missing } });
  }
  return files;
}

/**
 * Computes the manifest for a model folder: hashes every file, takes the revision from the fp32
 * weights (else the q8 ones) and the dimensions from config.json `hidden_size` (embedders only).
 */
export async function computeModelIdentity(dir: string, args: { id: string; source: ModelManifest['source']; usage?: Partial<ModelManifest> }): Promise<ModelManifest> {
  const files = await checkModelLayout(dir);
  const hashes: Record<string, string> = {};
  for (const file of files) hashes[file] = await sha256File(join(dir, file));
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { hidden_size?: number; architectures?: string[] };
  const kind = args.usage?.kind ?? ((config.architectures ?? []).some((name) => name.endsWith('ForSequenceClassification')) ? 'reranker' : 'embedder');
  const weights = hashes[ONNX_FILE_BY_DTYPE.fp32] ?? hashes[ONNX_FILE_BY_DTYPE.q8]!;
  return {
    ...args.usage,
    id: args.id,
    kind,
    revision: weights.slice(0, REVISION_LENGTH),
    ...(kind === 'embedder' && typeof config.hidden_size === 'number' ? { dimensions: config.hidden_size } : {}),
    files: hashes,
    source: args.source,
    installedAt: new Date().toISOString(),
  };
}
