/**
 * Resolves a locally installed Transformers.js model folder and loads it: folder checks with a
 * MODEL_MISSING error that says how to get the model, usage hints (manifest > family table >
 * config.json), and device loading that fails with UNAVAILABLE instead of falling back to CPU.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { access, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { GroundworkError, InputError } from '../errors.js';
import { modelFamilyDefaults } from './model-family-defaults.js';
import { type ModelManifest, type ModelUsage, readModelManifest } from './model-manifest.js';

/** Numeric precision of the ONNX file to load: fp32 = onnx/model.onnx, q8 = onnx/model_quantized.onnx. */
export type LocalDtype = 'fp32' | 'q8';
/** Execution device: onnxruntime-node's CPU, CUDA or WebGPU execution provider. */
export type LocalDevice = 'cpu' | 'cuda' | 'webgpu';

/** ONNX file per dtype, as Transformers.js names them (utils/dtypes.js DEFAULT_DTYPE_SUFFIX_MAPPING). */
export const ONNX_FILE_BY_DTYPE: Record<LocalDtype, string> = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
};

/** Everything known about an installed model before it is loaded. */
export interface ResolvedLocalModel {
  id: string;
  dir: string;
  onnxFile: string;
  config: Record<string, unknown>;
  manifest?: ModelManifest;
  usage: ModelUsage;
}

/** How to get a model that is not installed: shared by every MODEL_MISSING message. */
export function howToGetModel(model: string): string {
  return `Get it with \`groundwork models pull ${model}\` where the network allows, or copy a Transformers.js model folder with \`groundwork models import <dir>\`.`;
}

/** Checks a model id is a relative `org/name` path that cannot escape the models folder. */
export function modelDirFor(modelsDir: string, model: string): string {
  const normalized = normalize(model);
  if (model.trim() === '' || isAbsolute(model) || normalized.startsWith('..') || normalized.split(sep).includes('..')) {
    throw new InputError('model', `must be a model id like "Xenova/all-MiniLM-L6-v2", got ${JSON.stringify(model)}`);
  }
  // Absolute, so Transformers.js never mistakes a relative path for a hub id.
  return join(resolve(modelsDir), normalized);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Finds the model folder and its ONNX file for `dtype`, or throws MODEL_MISSING. */
export async function resolveLocalModel(modelsDir: string, model: string, dtype: LocalDtype): Promise<ResolvedLocalModel> {
  const dir = modelDirFor(modelsDir, model);
  const configPath = join(dir, 'config.json');
  if (!(await exists(configPath))) {
    throw new GroundworkError('MODEL_MISSING', `model "${model}" is not installed in ${modelsDir} (no ${configPath}). ${howToGetModel(model)}`, {
      details: { model, modelsDir },
    });
  }
  const onnxFile = join(dir, ONNX_FILE_BY_DTYPE[dtype]);
  if (!(await exists(onnxFile))) {
    const other = dtype === 'fp32' ? 'q8' : 'fp32';
    throw new GroundworkError(
      'MODEL_MISSING',
      `model "${model}" has no ${dtype} weights (${onnxFile} is missing); use dtype "${other}" if that file exists, or reinstall the model. ${howToGetModel(model)}`,
      { details: { model, modelsDir, dtype } },
    );
  }
  const config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  const manifest = await readModelManifest(dir);
  const id = manifest?.id ?? model;
  const architectures = Array.isArray(config.architectures) ? (config.architectures as string[]) : [];
  const fromConfig: ModelUsage = {
    kind: architectures.some((name) => name.endsWith('ForSequenceClassification')) ? 'reranker' : 'embedder',
  };
  const family = modelFamilyDefaults(id === model ? model : `${id} ${model}`);
  const usage = { ...fromConfig, ...family, ...definedOnly(manifest ?? {}) };
  return { id, dir, onnxFile, config, manifest, usage: pickUsage(usage) };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function pickUsage(value: ModelUsage): ModelUsage {
  const { kind, pooling, queryPrefix, documentPrefix, maxInputTokens } = value;
  return definedOnly({ kind, pooling, queryPrefix, documentPrefix, maxInputTokens });
}

/** sha256 (hex) of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Length of the revision string taken from the weights' sha256. */
const REVISION_LENGTH = 12;

/** Revision of the loaded weights: the manifest's recorded hash of that file, else computed now. */
export async function localRevision(resolved: ResolvedLocalModel): Promise<string> {
  const relative = resolved.onnxFile.slice(resolved.dir.length + 1).split(sep).join('/');
  const recorded = resolved.manifest?.files?.[relative];
  return (recorded ?? (await sha256File(resolved.onnxFile))).slice(0, REVISION_LENGTH);
}

/** What to suggest when a GPU device cannot load. */
function deviceAlternative(device: LocalDevice): string {
  if (device === 'cuda') {
    return 'Use device "cpu" (the default), or "webgpu" where a Vulkan driver is installed. onnxruntime-node downloads its CUDA provider libraries at npm install time (skipped when ONNXRUNTIME_NODE_INSTALL=skip or offline); reinstall it with network access and CUDA 12 to use "cuda".';
  }
  return 'Use device "cpu" (the default), or "cuda" where onnxruntime-node was installed with its CUDA 12 libraries. On Linux, WebGPU needs a GPU and the Vulkan loader (libvulkan1).';
}

/** onnxruntime-node's CUDA execution provider library, fetched by its install script (never here: offline). */
const CUDA_PROVIDER_LIBRARY = 'libonnxruntime_providers_cuda.so';

/**
 * What the machine lacks for `device`, or undefined when nothing known is missing. CUDA: the
 * provider library beside onnxruntime-node's binding, which its install script downloads with
 * network access (skipped with ONNXRUNTIME_NODE_INSTALL=skip); without it onnxruntime would fail
 * later with a dlopen message that does not say how to get it.
 */
export function missingForDevice(device: LocalDevice, platform = `${process.platform}/${process.arch}`): string | undefined {
  if (device !== 'cuda') return undefined;
  if (platform !== 'linux/x64') return `onnxruntime-node ships its CUDA provider for linux/x64 only (this is ${platform})`;
  let binding: string;
  try {
    // onnxruntime-node comes with @huggingface/transformers; its binary folder holds the providers.
    const require = createRequire(createRequire(import.meta.url).resolve('@huggingface/transformers'));
    binding = join(dirname(require.resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', 'linux', 'x64');
  } catch (error) {
    return `onnxruntime-node cannot be found (${(error as Error).message})`;
  }
  const library = join(binding, CUDA_PROVIDER_LIBRARY);
  return existsSync(library) ? undefined : `onnxruntime-node's CUDA provider library ${library} is not installed`;
}

/**
 * Runs a Transformers.js load for `device`. Failures on a GPU device become UNAVAILABLE errors
 * naming the device, the cause and the alternative; CPU failures keep their original error.
 */
export async function loadOnDevice<T>(model: string, device: LocalDevice, load: () => Promise<T>): Promise<T> {
  const missing = missingForDevice(device);
  if (missing) {
    throw new GroundworkError('UNAVAILABLE', `device "${device}" is unavailable for model "${model}": ${missing}. ${deviceAlternative(device)}`, { details: { device, model, missing } });
  }
  try {
    return await load();
  } catch (error) {
    if (device === 'cpu') {
      throw new GroundworkError('INTERNAL', `loading model "${model}" on cpu failed: ${firstLine(error)}`, { cause: error });
    }
    throw new GroundworkError('UNAVAILABLE', `device "${device}" is unavailable for model "${model}": ${firstLine(error)}. ${deviceAlternative(device)}`, {
      details: { device, model },
      cause: error,
    });
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}
