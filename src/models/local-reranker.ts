/**
 * Local cross-encoder reranker on Transformers.js (sequence classification ONNX, e.g. the
 * ms-marco MiniLM family): scores each (query, passage) pair in batches, from local files only.
 */
import { InputError } from '../errors.js';
import { DEFAULT_CPU_BATCH_TOKENS, DEFAULT_GPU_BATCH_TOKENS, checkBatchPlanOptions, planBatches } from './length-buckets.js';
import { type LocalDevice, type LocalDtype, loadOnDevice, localRevision, resolveLocalModel } from './local-model.js';
import { createLocalSessionPool, type Parallelism } from './local-session.js';
import { loadLocalTokenizer, padBatch } from './local-tokenizer.js';
import type { Reranker } from './types.js';

/** Most pairs per forward pass (the token budget usually binds first). */
export const DEFAULT_RERANK_BATCH_SIZE = 64;

export interface LocalRerankerOptions {
  modelsDir: string;
  /** Model id, e.g. `Xenova/ms-marco-MiniLM-L-6-v2`. */
  model: string;
  dtype?: LocalDtype;
  device?: LocalDevice;
  /** Most pairs per forward pass. */
  batchSize?: number;
  /** Padded tokens per forward pass (default: 4,096 on CPU, 65,536 on a GPU). */
  batchTokens?: number;
  /** Intra-op threads per session (default: the cores divided among the sessions). */
  threads?: number;
  /** Sessions, each on its own worker thread (default 1). */
  sessions?: number;
}

export interface LocalReranker extends Reranker {
  readonly revision: string;
  readonly maxInputTokens: number;
  readonly truncatedCount: number;
  readonly dtype: LocalDtype;
  readonly device: LocalDevice;
  readonly batchTokens: number;
  readonly parallelism: Parallelism;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Loads a local cross-encoder, run on worker threads (local-session.ts) in length-bucketed
 * batches. Scores are sigmoid(logit) for one-label models and the positive class probability for
 * two-label models: in (0, 1), higher is more relevant.
 */
export async function createLocalReranker(options: LocalRerankerOptions): Promise<LocalReranker> {
  const dtype = options.dtype ?? 'fp32';
  const device = options.device ?? 'cpu';
  const batchSize = options.batchSize ?? DEFAULT_RERANK_BATCH_SIZE;
  const batchTokens = options.batchTokens ?? (device === 'cpu' ? DEFAULT_CPU_BATCH_TOKENS : DEFAULT_GPU_BATCH_TOKENS);
  checkBatchPlanOptions({ maxBatchSize: batchSize, maxBatchTokens: batchTokens });
  const resolved = await resolveLocalModel(options.modelsDir, options.model, dtype);
  if (resolved.usage.kind !== 'reranker') {
    throw new InputError('model', `"${options.model}" is not a cross-encoder (its config.json architectures have no *ForSequenceClassification)`);
  }
  const tokenizer = await loadLocalTokenizer(resolved.dir);
  const pool = await loadOnDevice(options.model, device, () =>
    createLocalSessionPool({ dir: resolved.dir, dtype, device, head: 'classifier' }, { threads: options.threads, sessions: options.sessions }),
  );
  const positions = Number(resolved.config.max_position_embeddings ?? Number.POSITIVE_INFINITY);
  const maxInputTokens = Math.min(resolved.usage.maxInputTokens ?? positions, positions);
  const revision = await localRevision(resolved);
  let truncatedCount = 0;

  const score = async (query: string, passages: string[]): Promise<number[]> => {
    if (passages.length === 0) return [];
    const encoded = passages.map((passage) => {
      const input = tokenizer.encodePair(query, passage, maxInputTokens);
      if (input.truncated) truncatedCount++;
      return input;
    });
    const scores = new Array<number>(passages.length);
    const batches = planBatches(
      encoded.map((input) => input.inputIds.length),
      { maxBatchTokens: batchTokens, maxBatchSize: batchSize, lengthBuckets: true },
    );
    // Every batch is queued at once: sessions take them as they free up (a rerank is tens of pairs).
    await Promise.all(
      batches.map(async ({ indices }) => {
        const { data, dims } = await pool.run(padBatch(indices.map((index) => encoded[index]!), tokenizer.padTokenId));
        const labels = dims[1] ?? 1;
        indices.forEach((index, row) => {
          const first = data[row * labels]!;
          if (labels === 1) scores[index] = sigmoid(first);
          else if (labels === 2) scores[index] = sigmoid(data[row * labels + 1]! - first);
          else throw new InputError('model', `"${options.model}" has ${labels} labels; a reranker needs 1 or 2`);
        });
      }),
    );
    return scores;
  };

  // Keep the session warm: one small pass per session before the first real rerank.
  await Promise.all(Array.from({ length: pool.sessions }, () => score('warm', ['up'])));
  truncatedCount = 0;

  return {
    id: `local:${resolved.id}`,
    revision,
    maxBatchSize: batchSize,
    maxInputTokens,
    dtype,
    device,
    batchTokens,
    parallelism: { threads: pool.threads, sessions: pool.sessions },
    get truncatedCount() {
      return truncatedCount;
    },
    rerank: score,
    close: () => pool.close(),
  };
}
