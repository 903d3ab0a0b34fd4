/**
 * Plans the forward passes of a local model call: which inputs go together and how long each
 * pass is padded. With length buckets (the default) inputs are sorted by token count, longest
 * first, and a pass takes inputs while its padded size (inputs x its longest) stays within a
 * token budget, so each pass pads to nearly its own length and short texts share large passes.
 * Without buckets, passes are fixed groups of `maxBatchSize` inputs in the order given, each
 * padded to its longest: what a batch of texts does in the Transformers.js pipeline.
 */
import { InputError } from '../errors.js';

/**
 * Padded tokens per forward pass on CPU: 32 texts of 128 tokens. Measured with bench/embed.ts
 * (MiniLM shape, 2 cores): throughput is flat from about 1,024 tokens per pass upwards, and
 * larger passes only hold more memory.
 */
export const DEFAULT_CPU_BATCH_TOKENS = 4096;
/** Padded tokens per forward pass on a GPU: large passes keep its arithmetic units busy (128 x 512). */
export const DEFAULT_GPU_BATCH_TOKENS = 65_536;
/** Most inputs in one pass whatever their length (bounds the per-input bookkeeping of a pass). */
export const DEFAULT_MAX_BATCH_INPUTS = 256;

export interface BatchPlanOptions {
  /** Padded tokens (inputs x longest input) one pass may hold; one over-long input still gets its own pass. */
  maxBatchTokens: number;
  /** Inputs one pass may hold. */
  maxBatchSize: number;
  /** Sort by length and pad per bucket (default); false: fixed groups in input order. */
  lengthBuckets: boolean;
}

/** One planned forward pass: input positions and the length every row is padded to. */
export interface PlannedBatch {
  indices: number[];
  paddedLength: number;
}

/** Checks the budget options: positive integers. */
export function checkBatchPlanOptions(options: Pick<BatchPlanOptions, 'maxBatchTokens' | 'maxBatchSize'>): void {
  if (!Number.isInteger(options.maxBatchSize) || options.maxBatchSize < 1) throw new InputError('batchSize', `must be a positive integer, got ${options.maxBatchSize}`);
  if (!Number.isInteger(options.maxBatchTokens) || options.maxBatchTokens < 1) throw new InputError('batchTokens', `must be a positive integer, got ${options.maxBatchTokens}`);
}

/**
 * Groups inputs of the given token lengths into forward passes.
 * @example planBatches([5, 120, 7], { maxBatchTokens: 256, maxBatchSize: 32, lengthBuckets: true })
 * // [{ indices: [1, 2], paddedLength: 120 }, { indices: [0], paddedLength: 5 }]
 */
export function planBatches(lengths: readonly number[], options: BatchPlanOptions): PlannedBatch[] {
  checkBatchPlanOptions(options);
  const batches: PlannedBatch[] = [];
  if (!options.lengthBuckets) {
    for (let start = 0; start < lengths.length; start += options.maxBatchSize) {
      const indices = Array.from({ length: Math.min(options.maxBatchSize, lengths.length - start) }, (_, k) => start + k);
      batches.push({ indices, paddedLength: Math.max(...indices.map((i) => lengths[i]!)) });
    }
    return batches;
  }
  // Longest first: the first input of a pass sets its padded length.
  const order = lengths.map((_, index) => index).sort((a, b) => lengths[b]! - lengths[a]! || a - b);
  let current: PlannedBatch | undefined;
  for (const index of order) {
    const fits = current && current.indices.length < options.maxBatchSize && (current.indices.length + 1) * current.paddedLength <= options.maxBatchTokens;
    if (!fits) {
      current = { indices: [], paddedLength: lengths[index]! };
      batches.push(current);
    }
    current!.indices.push(index);
  }
  return batches;
}
