/**
 * Local embedder on Transformers.js (onnxruntime-node): loads a model folder from the local models
 * directory only, pools (mean or CLS, per the model's usage hints), L2-normalizes, sorts batches by
 * length to minimize padding, and counts inputs truncated at the model limit.
 */
import { AutoModel, env } from '@huggingface/transformers';
import { InputError } from '../errors.js';
import {
  type LocalDevice,
  type LocalDtype,
  loadOnDevice,
  localRevision,
  resolveLocalModel,
} from './local-model.js';
import { type EncodedInput, loadLocalTokenizer, padBatch } from './local-tokenizer.js';
import type { EmbedOptions, Embedder } from './types.js';

/** Default texts per forward pass: large enough to amortize call overhead on CPU, small enough for memory. */
export const DEFAULT_LOCAL_BATCH_SIZE = 32;

export interface LocalEmbedderOptions {
  /** Folder holding installed models as `<org>/<name>/` (GROUNDWORK_MODELS_DIR). */
  modelsDir: string;
  /** Model id, e.g. `Xenova/all-MiniLM-L6-v2`: the folder `<modelsDir>/<model>`. */
  model: string;
  dtype?: LocalDtype;
  device?: LocalDevice;
  batchSize?: number;
  /** Called once per truncated input (the ingest summary counts them; chunking should prevent them). */
  onTruncate?: (info: { tokens: number; maxInputTokens: number }) => void;
}

/** The local embedder also exposes how it loaded. */
export interface LocalEmbedder extends Embedder {
  readonly truncatedCount: number;
  readonly device: LocalDevice;
  readonly dtype: LocalDtype;
  readonly pooling: 'mean' | 'cls';
  /** Passage prefix the model family expects (e5: "passage: "), applied by embedDocuments. */
  readonly documentPrefix?: string;
  /** Query prefix or instruction (e5: "query: ", bge: "Represent this sentence ..."), applied by embedQuery. */
  readonly queryPrefix?: string;
  countTokens(text: string): number;
}

/** The part of a Transformers.js model used here. */
type EncoderModel = ((inputs: Record<string, unknown>) => Promise<{ last_hidden_state: { data: Float32Array; dims: number[] } }>) & {
  dispose(): Promise<unknown>;
};

/** Pools one row of last_hidden_state [batch, seq, hidden] and L2-normalizes the result. */
function poolRow(hidden: Float32Array, row: number, seqLength: number, width: number, tokens: number, pooling: 'mean' | 'cls'): Float32Array {
  const out = new Float32Array(width);
  const base = row * seqLength * width;
  if (pooling === 'cls') {
    out.set(hidden.subarray(base, base + width));
  } else {
    // Sum in float64 then divide: mean over the real (unpadded) tokens only.
    const sums = new Float64Array(width);
    for (let t = 0; t < tokens; t++) {
      const offset = base + t * width;
      for (let d = 0; d < width; d++) sums[d]! += hidden[offset + d]!;
    }
    for (let d = 0; d < width; d++) out[d] = sums[d]! / tokens;
  }
  let norm = 0;
  for (const value of out) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let d = 0; d < width; d++) out[d]! /= norm;
  return out;
}

/**
 * Loads a local embedding model.
 * @example
 * const embedder = await createLocalEmbedder({ modelsDir: '.groundwork/models', model: 'Xenova/all-MiniLM-L6-v2' });
 * const [vector] = await embedder.embedDocuments(['hello']);
 */
export async function createLocalEmbedder(options: LocalEmbedderOptions): Promise<LocalEmbedder> {
  const dtype = options.dtype ?? 'fp32';
  const device = options.device ?? 'cpu';
  const batchSize = options.batchSize ?? DEFAULT_LOCAL_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError('batchSize', `must be a positive integer, got ${batchSize}`);
  const resolved = await resolveLocalModel(options.modelsDir, options.model, dtype);
  if (resolved.usage.kind === 'reranker') {
    throw new InputError('model', `"${options.model}" is a cross-encoder (reranker), not an embedding model`);
  }
  // Transformers.js reads this process-wide flag; groundwork never fetches model files at run time.
  env.allowRemoteModels = false;
  const tokenizer = await loadLocalTokenizer(resolved.dir);
  const model = (await loadOnDevice(options.model, device, () =>
    AutoModel.from_pretrained(resolved.dir, { local_files_only: true, dtype, device }),
  )) as unknown as EncoderModel;
  const dimensions = Number(resolved.config.hidden_size);
  const positions = Number(resolved.config.max_position_embeddings ?? Number.POSITIVE_INFINITY);
  const maxInputTokens = Math.min(resolved.usage.maxInputTokens ?? positions, positions);
  const pooling = resolved.usage.pooling ?? 'mean';
  const documentPrefix = resolved.usage.documentPrefix ?? '';
  const queryPrefix = resolved.usage.queryPrefix ?? '';
  const revision = await localRevision(resolved);
  let truncatedCount = 0;

  const embed = async (texts: string[], prefix: string, signal: AbortSignal | undefined): Promise<Float32Array[]> => {
    signal?.throwIfAborted();
    texts.forEach((text, index) => {
      if (typeof text !== 'string') throw new InputError(`texts[${index}]`, 'must be a string');
    });
    const encoded: EncodedInput[] = texts.map((text) => {
      const input = tokenizer.encode(prefix + text, maxInputTokens);
      if (input.truncated) {
        truncatedCount++;
        options.onTruncate?.({ tokens: tokenizer.count(prefix + text), maxInputTokens });
      }
      return input;
    });
    // Longest first, so each batch pads to nearly its own length.
    const order = encoded.map((_, index) => index).sort((a, b) => encoded[b]!.inputIds.length - encoded[a]!.inputIds.length);
    const results = new Array<Float32Array>(texts.length);
    for (let start = 0; start < order.length; start += batchSize) {
      // A forward pass cannot be interrupted: the signal is honoured before each batch.
      signal?.throwIfAborted();
      const indices = order.slice(start, start + batchSize);
      const batch = indices.map((index) => encoded[index]!);
      const { length, ...feeds } = padBatch(batch, tokenizer.padTokenId);
      const output = await model(feeds);
      const hidden = output.last_hidden_state.data;
      indices.forEach((index, row) => {
        results[index] = poolRow(hidden, row, length, dimensions, batch[row]!.inputIds.length, pooling);
      });
    }
    return results;
  };

  return {
    id: `local:${resolved.id}`,
    revision,
    dimensions,
    maxInputTokens,
    maxBatchSize: batchSize,
    device,
    dtype,
    pooling,
    ...(documentPrefix ? { documentPrefix } : {}),
    ...(queryPrefix ? { queryPrefix } : {}),
    get truncatedCount() {
      return truncatedCount;
    },
    countTokens: (text) => tokenizer.count(documentPrefix + text),
    embedDocuments: (texts: string[], embedOptions: EmbedOptions = {}) => embed(texts, documentPrefix, embedOptions.signal),
    embedQuery: async (text: string, embedOptions: EmbedOptions = {}) => (await embed([text], queryPrefix, embedOptions.signal))[0]!,
    close: async () => {
      await model.dispose();
    },
  };
}
