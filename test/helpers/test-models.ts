/**
 * Random-weight test models for any test: `makeTestModel(dir, options)` puts a Transformers.js
 * model folder at `dir`, generated once per option set and cached under
 * node_modules/.cache/groundwork-test-models/ (the generator needs no network and takes
 * milliseconds for `tiny`, seconds for `minilm`).
 */
import { createHash } from 'node:crypto';
import { access, copyFile, link, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestModel } from '../../src/models/test-model/write-test-model.js';

/** Bump when the generator's output changes, so stale cached models are not reused. */
const GENERATOR_VERSION = 1;

export interface MakeTestModelOptions {
  kind: 'encoder' | 'cross-encoder';
  shape?: 'tiny' | 'minilm';
  pooling?: 'mean' | 'cls';
  prefixes?: { query?: string; document?: string };
  /** Also write onnx/model_quantized.onnx. Default true. */
  quantized?: boolean;
  seed?: number;
  /** Id recorded in the model's groundwork.json. */
  id?: string;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where generated models are cached between test files and runs. */
export const TEST_MODEL_CACHE_DIR = join(repoRoot, 'node_modules', '.cache', 'groundwork-test-models');

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Generates (once) the model for `options` in the cache and returns its folder. */
export async function cachedTestModel(options: MakeTestModelOptions): Promise<string> {
  const normalized = {
    version: GENERATOR_VERSION,
    kind: options.kind,
    shape: options.shape ?? 'tiny',
    pooling: options.pooling ?? 'mean',
    query: options.prefixes?.query,
    document: options.prefixes?.document,
    quantized: options.quantized ?? true,
    seed: options.seed ?? 42,
    id: options.id,
  };
  const key = createHash('sha256').update(JSON.stringify(normalized)).digest('hex').slice(0, 16);
  const cached = join(TEST_MODEL_CACHE_DIR, `${normalized.kind}-${normalized.shape}-${key}`);
  if (await exists(join(cached, 'groundwork.json'))) return cached;
  // Parallel test workers may generate the same model: write to a private folder, then rename.
  const staging = `${cached}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeTestModel(staging, {
    kind: normalized.kind,
    shape: normalized.shape,
    pooling: normalized.pooling,
    queryPrefix: normalized.query,
    documentPrefix: normalized.document,
    quantized: normalized.quantized,
    seed: normalized.seed,
    ...(normalized.id ? { id: normalized.id } : {}),
  });
  try {
    await rename(staging, cached);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (!(await exists(join(cached, 'groundwork.json')))) throw error;
  }
  return cached;
}

async function linkOrCopy(source: string, target: string): Promise<void> {
  const entries = await readdir(source, { withFileTypes: true });
  await mkdir(target, { recursive: true });
  for (const entry of entries) {
    const from = join(source, entry.name);
    const to = join(target, entry.name);
    if (entry.isDirectory()) await linkOrCopy(from, to);
    // Hard links make the large ONNX files free to "copy"; fall back to copying across devices.
    else await link(from, to).catch(() => copyFile(from, to));
  }
}

/**
 * Puts a random-weight model folder at `dir` (created if needed) and returns `dir`.
 * @example
 * const modelsDir = await mkdtemp(join(tmpdir(), 'gw-'));
 * await makeTestModel(join(modelsDir, 'test', 'tiny-encoder'), { kind: 'encoder' });
 * const embedder = await createLocalEmbedder({ modelsDir, model: 'test/tiny-encoder' });
 */
export async function makeTestModel(dir: string, options: MakeTestModelOptions): Promise<string> {
  await linkOrCopy(await cachedTestModel(options), dir);
  return dir;
}
