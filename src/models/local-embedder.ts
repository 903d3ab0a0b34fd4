/**
 * Local embedder on Transformers.js (onnxruntime-node): loads a model folder from the local models
 * directory only and runs it on worker threads (local-session.ts), so tokenizing, chunking and
 * writing go on while a batch runs. Batches are planned by padded tokens, longest inputs first
 * (length-buckets.ts); vectors are pooled (mean or CLS, per the model's usage hints) and
 * L2-normalized; inputs truncated at the model limit are counted.
 */
import { InputError } from '../errors.js';
import { DEFAULT_CPU_BATCH_TOKENS, DEFAULT_GPU_BATCH_TOKENS, DEFAULT_MAX_BATCH_INPUTS, checkBatchPlanOptions, planBatches } from './length-buckets.js';
import { type LocalDevice, type LocalDtype, ONNX_FILE_BY_DTYPE, loadOnDevice, localRevision, resolveLocalModel } from './local-model.js';
import { PARITY_PROBE_TEXTS, compareEmbeddings, type PrecisionParity } from './local-precision-parity.js';
import { createLocalSessionPool, type Parallelism } from './local-session.js';
import { type EncodedInput, loadLocalTokenizer, padBatch } from './local-tokenizer.js';
import type { EmbedOptions, Embedder } from './types.js';

/**
 * Texts tokenized at a time within one call: the next window is tokenized on this thread while
 * the current one's batches run on the session threads. Length buckets are formed within a
 * window; at 128 texts they still pad little (bench/embed.ts reports padded tokens per real token).
 */
export const TOKENIZE_WINDOW_TEXTS = 128;

/** Default most texts per forward pass (the token budget usually binds first). */
export const DEFAULT_LOCAL_BATCH_SIZE = DEFAULT_MAX_BATCH_INPUTS;

export interface LocalEmbedderOptions {
  /** Folder holding installed models as `<org>/<name>/` (GROUNDWORK_MODELS_DIR). */
  modelsDir: string;
  /** Model id, e.g. `Xenova/all-MiniLM-L6-v2`: the folder `<modelsDir>/<model>`. */
  model: string;
  dtype?: LocalDtype;
  device?: LocalDevice;
  /** Most texts per forward pass. */
  batchSize?: number;
  /** Padded tokens per forward pass (default: 4,096 on CPU, 65,536 on a GPU). */
  batchTokens?: number;
  /** Sort by length and pad per bucket (default true); false pads fixed groups in input order (benchmark baseline). */
  lengthBuckets?: boolean;
  /** Intra-op threads per session (default: the cores divided among the sessions). */
  threads?: number;
  /** Sessions, each on its own worker thread (default 1). */
  sessions?: number;
  /** Called once per truncated input (the ingest summary counts them; chunking should prevent them). */
  onTruncate?: (info: { tokens: number; maxInputTokens: number }) => void;
}

/** The local embedder also exposes how it loaded. */
export interface LocalEmbedder extends Embedder {
  readonly truncatedCount: number;
  readonly device: LocalDevice;
  readonly dtype: LocalDtype;
  readonly pooling: 'mean' | 'cls';
  /** Padded tokens per forward pass. */
  readonly batchTokens: number;
  readonly lengthBuckets: boolean;
  /** Intra-op threads per session, and sessions. */
  readonly parallelism: Parallelism;
  /** Passage prefix the model family expects (e5: "passage: "), applied by embedDocuments. */
  readonly documentPrefix?: string;
  /** Query prefix or instruction (e5: "query: ", bge: "Represent this sentence ..."), applied by embedQuery. */
  readonly queryPrefix?: string;
  countTokens(text: string): number;
  /**
   * Embeds PARITY_PROBE_TEXTS with this model at `dtype` and at this embedder's own dtype and
   * compares them (loaded once per dtype, on one thread, then closed; the result is kept).
   */
  parityWith(dtype: string): Promise<PrecisionParity>;
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
  const batchTokens = options.batchTokens ?? (device === 'cpu' ? DEFAULT_CPU_BATCH_TOKENS : DEFAULT_GPU_BATCH_TOKENS);
  const lengthBuckets = options.lengthBuckets ?? true;
  checkBatchPlanOptions({ maxBatchSize: batchSize, maxBatchTokens: batchTokens });
  const resolved = await resolveLocalModel(options.modelsDir, options.model, dtype);
  if (resolved.usage.kind === 'reranker') {
    throw new InputError('model', `"${options.model}" is a cross-encoder (reranker), not an embedding model`);
  }
  const tokenizer = await loadLocalTokenizer(resolved.dir);
  const pool = await loadOnDevice(options.model, device, () =>
    createLocalSessionPool({ dir: resolved.dir, dtype, device, head: 'encoder' }, { threads: options.threads, sessions: options.sessions }),
  );
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
    const encode = (text: string): EncodedInput => {
      const input = tokenizer.encode(prefix + text, maxInputTokens);
      if (input.truncated) {
        truncatedCount++;
        options.onTruncate?.({ tokens: tokenizer.count(prefix + text), maxInputTokens });
      }
      return input;
    };
    const results = new Array<Float32Array>(texts.length);
    // One batch queued per session beyond the ones running: a session never waits for this
    // thread to pad its next batch, and memory holds a few padded batches, not the whole call.
    const inFlight = pool.sessions + 1;
    const running = new Set<Promise<void>>();
    let failure: unknown;
    // Without buckets the window is the whole call, so batches are exactly the fixed groups.
    const windowSize = lengthBuckets ? TOKENIZE_WINDOW_TEXTS : texts.length;
    windows: for (let start = 0; start < texts.length; start += windowSize) {
      const encoded = texts.slice(start, start + windowSize).map(encode);
      const batches = planBatches(
        encoded.map((input) => input.inputIds.length),
        { maxBatchTokens: batchTokens, maxBatchSize: batchSize, lengthBuckets },
      );
      for (const { indices } of batches) {
        // A forward pass cannot be interrupted: the signal is honoured before each batch.
        if (signal?.aborted) break windows;
        while (running.size >= inFlight) await Promise.race(running);
        if (failure !== undefined) break windows;
        const padded = padBatch(indices.map((index) => encoded[index]!), tokenizer.padTokenId);
        const job: Promise<void> = pool
          .run(padded, pooling)
          .then(({ data }) => {
            indices.forEach((index, row) => {
              results[start + index] = data.slice(row * dimensions, (row + 1) * dimensions);
            });
          })
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => running.delete(job));
        running.add(job);
      }
    }
    await Promise.all(running);
    if (failure !== undefined) throw failure;
    signal?.throwIfAborted();
    return results;
  };

  // Keep the session warm: one small pass per session allocates its buffers before the first real call.
  await Promise.all(Array.from({ length: pool.sessions }, () => embed(['warm'], '', undefined)));
  truncatedCount = 0;

  const parities = new Map<LocalDtype, Promise<PrecisionParity>>();
  const parityWith = (requested: string): Promise<PrecisionParity> => {
    if (!(requested in ONNX_FILE_BY_DTYPE)) return Promise.reject(new InputError('dtype', `must be one of ${Object.keys(ONNX_FILE_BY_DTYPE).join(', ')}, got ${JSON.stringify(requested)}`));
    const other = requested as LocalDtype;
    let known = parities.get(other);
    if (!known) {
      known = (async () => {
        const ours = await embed([...PARITY_PROBE_TEXTS], documentPrefix, undefined);
        if (other === dtype) return compareEmbeddings({ dtype, vectors: ours }, { dtype, vectors: ours });
        const theirs = await createLocalEmbedder({ modelsDir: options.modelsDir, model: options.model, dtype: other, device, threads: 1, sessions: 1 });
        try {
          return compareEmbeddings({ dtype: other, vectors: await theirs.embedDocuments([...PARITY_PROBE_TEXTS]) }, { dtype, vectors: ours });
        } finally {
          await theirs.close?.();
        }
      })();
      known.catch(() => parities.delete(other)); // a failed check is retried next time
      parities.set(other, known);
    }
    return known;
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
    batchTokens,
    lengthBuckets,
    parallelism: { threads: pool.threads, sessions: pool.sessions },
    ...(documentPrefix ? { documentPrefix } : {}),
    ...(queryPrefix ? { queryPrefix } : {}),
    get truncatedCount() {
      return truncatedCount;
    },
    countTokens: (text) => tokenizer.count(documentPrefix + text),
    embedDocuments: (texts: string[], embedOptions: EmbedOptions = {}) => embed(texts, documentPrefix, embedOptions.signal),
    embedQuery: async (text: string, embedOptions: EmbedOptions = {}) => (await embed([text], queryPrefix, embedOptions.signal))[0]!,
    parityWith,
    close: () => pool.close(),
  };
}
