/**
 * `groundwork models pull <id>`: downloads a published Transformers.js model from the Hugging Face
 * hub (or a mirror) into the models folder. Fails fast, with a plain message, when the hub cannot
 * be reached.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { GroundworkError, InputError } from '../errors.js';
import { installModelFolder } from './import-model.js';
import { ONNX_FILE_BY_DTYPE, modelDirFor } from './local-model.js';
import type { ModelManifest } from './model-manifest.js';

/** The public hub; HF_ENDPOINT (huggingface_hub's variable) points elsewhere, e.g. a mirror. */
export const DEFAULT_HUB_URL = 'https://huggingface.co';
/** Time allowed to get response headers for each file: long enough for a slow link, short enough not to look hung. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Files fetched when present; config.json and tokenizer.json and one ONNX file are required. */
const REQUIRED_FILES = ['config.json', 'tokenizer.json'];
const OPTIONAL_FILES = ['tokenizer_config.json', 'special_tokens_map.json', 'vocab.txt', ONNX_FILE_BY_DTYPE.fp32, ONNX_FILE_BY_DTYPE.q8];

export interface PullModelOptions {
  hubUrl?: string;
  revision?: string;
  connectTimeoutMs?: number;
  overwrite?: boolean;
  fetch?: typeof fetch;
  /** Progress per file (bytes so far, total when known). */
  onProgress?: (info: { file: string; bytes: number; total?: number }) => void;
  env?: NodeJS.ProcessEnv;
}

/** Downloads one file; returns false on 404. Network failures become UNAVAILABLE errors. */
async function download(args: { url: string; path: string; file: string; id: string; timeoutMs: number; fetch: typeof fetch; onProgress?: PullModelOptions['onProgress'] }): Promise<boolean> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no response within ${args.timeoutMs} ms`)), args.timeoutMs);
  let response: Response;
  try {
    response = await args.fetch(args.url, { signal: controller.signal, redirect: 'follow' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = controller.signal.aborted ? `no response within ${args.timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new GroundworkError(
      'UNAVAILABLE',
      `cannot pull model "${args.id}": ${new URL(args.url).host} is unreachable from this machine (${reason}). On a machine with network access, pull it there and copy the folder over, then run \`groundwork models import <dir>\`.`,
      { details: { id: args.id, url: args.url }, cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
  if (response.status === 404) return false;
  if (response.status === 401 || response.status === 403) {
    throw new GroundworkError('UNAUTHORIZED', `cannot pull model "${args.id}": ${args.file} needs authorization (HTTP ${response.status}); set HF_TOKEN for gated models`);
  }
  if (!response.ok || !response.body) {
    throw new GroundworkError('UNAVAILABLE', `cannot pull model "${args.id}": ${args.url} answered HTTP ${response.status}`);
  }
  await mkdir(dirname(args.path), { recursive: true });
  const total = Number(response.headers.get('content-length')) || undefined;
  let bytes = 0;
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    args.onProgress?.({ file: args.file, bytes, total });
  });
  await pipeline(body, createWriteStream(args.path));
  return true;
}

/**
 * Downloads `id` (e.g. `Xenova/all-MiniLM-L6-v2`) into `<modelsDir>/<id>/` and records its identity.
 * @example
 * await pullModel('Xenova/bge-small-en-v1.5', '.groundwork/models');
 */
export async function pullModel(id: string, modelsDir: string, options: PullModelOptions = {}): Promise<ModelManifest & { dir: string }> {
  if (!/^[\w.-]+\/[\w.-]+$/.test(id)) throw new InputError('id', `must look like "org/name" (e.g. Xenova/all-MiniLM-L6-v2), got ${JSON.stringify(id)}`);
  const target = modelDirFor(modelsDir, id);
  const env = options.env ?? process.env;
  const hubUrl = (options.hubUrl ?? env.HF_ENDPOINT ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
  const revision = encodeURIComponent(options.revision ?? 'main');
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const stagingDir = join(modelsDir, `.pull-${process.pid}-${Date.now()}`);
  await mkdir(stagingDir, { recursive: true });
  try {
    for (const file of [...REQUIRED_FILES, ...OPTIONAL_FILES]) {
      const url = `${hubUrl}/${id}/resolve/${revision}/${file}`;
      const found = await download({ url, path: join(stagingDir, file), file, id, timeoutMs, fetch: fetchImpl, onProgress: options.onProgress });
      if (!found && REQUIRED_FILES.includes(file)) {
        throw new GroundworkError('NOT_FOUND', `cannot pull model "${id}": ${hubUrl} has no ${file} for it (is the id right, and is it a Transformers.js model with an onnx/ folder?)`);
      }
    }
    const manifest = await installModelFolder({ stagingDir, modelsDir, id, source: 'pull', overwrite: options.overwrite });
    return { ...manifest, dir: target };
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}
