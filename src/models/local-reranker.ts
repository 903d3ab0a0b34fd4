/**
 * Local cross-encoder reranker on Transformers.js (sequence classification ONNX, e.g. the
 * ms-marco MiniLM family): scores each (query, passage) pair in batches, from local files only.
 */
import { AutoModelForSequenceClassification, env } from '@huggingface/transformers';
import { InputError } from '../errors.js';
import { type LocalDevice, type LocalDtype, loadOnDevice, localRevision, resolveLocalModel } from './local-model.js';
import { loadLocalTokenizer, padBatch } from './local-tokenizer.js';
import type { Reranker } from './types.js';

/** Pairs per forward pass. */
export const DEFAULT_RERANK_BATCH_SIZE = 32;

export interface LocalRerankerOptions {
  modelsDir: string;
  /** Model id, e.g. `Xenova/ms-marco-MiniLM-L-6-v2`. */
  model: string;
  dtype?: LocalDtype;
  device?: LocalDevice;
  batchSize?: number;
}

export interface LocalReranker extends Reranker {
  readonly revision: string;
  readonly maxInputTokens: number;
  readonly truncatedCount: number;
}

type ClassifierModel = ((inputs: Record<string, unknown>) => Promise<{ logits: { data: Float32Array; dims: number[] } }>) & {
  dispose(): Promise<unknown>;
};

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Loads a local cross-encoder. Scores are sigmoid(logit) for one-label models and the positive
 * class probability for two-label models: in (0, 1), higher is more relevant.
 */
export async function createLocalReranker(options: LocalRerankerOptions): Promise<LocalReranker> {
  const dtype = options.dtype ?? 'fp32';
  const device = options.device ?? 'cpu';
  const batchSize = options.batchSize ?? DEFAULT_RERANK_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError('batchSize', `must be a positive integer, got ${batchSize}`);
  const resolved = await resolveLocalModel(options.modelsDir, options.model, dtype);
  if (resolved.usage.kind !== 'reranker') {
    throw new InputError('model', `"${options.model}" is not a cross-encoder (its config.json architectures have no *ForSequenceClassification)`);
  }
  env.allowRemoteModels = false; // process-wide Transformers.js flag: never fetch at run time
  const tokenizer = await loadLocalTokenizer(resolved.dir);
  const model = (await loadOnDevice(options.model, device, () =>
    AutoModelForSequenceClassification.from_pretrained(resolved.dir, { local_files_only: true, dtype, device }),
  )) as unknown as ClassifierModel;
  const positions = Number(resolved.config.max_position_embeddings ?? Number.POSITIVE_INFINITY);
  const maxInputTokens = Math.min(resolved.usage.maxInputTokens ?? positions, positions);
  const revision = await localRevision(resolved);
  let truncatedCount = 0;

  return {
    id: `local:${resolved.id}`,
    revision,
    maxBatchSize: batchSize,
    maxInputTokens,
    get truncatedCount() {
      return truncatedCount;
    },
    async rerank(query, passages) {
      if (passages.length === 0) return [];
      const encoded = passages.map((passage) => {
        const input = tokenizer.encodePair(query, passage, maxInputTokens);
        if (input.truncated) truncatedCount++;
        return input;
      });
      const order = encoded.map((_, index) => index).sort((a, b) => encoded[b]!.inputIds.length - encoded[a]!.inputIds.length);
      const scores = new Array<number>(passages.length);
      for (let start = 0; start < order.length; start += batchSize) {
        const indices = order.slice(start, start + batchSize);
        const { length: _length, ...feeds } = padBatch(
          indices.map((index) => encoded[index]!),
          tokenizer.padTokenId,
        );
        const { logits } = await model(feeds);
        const labels = logits.dims[1] ?? 1;
        indices.forEach((index, row) => {
          const first = logits.data[row * labels]!;
          if (labels === 1) scores[index] = sigmoid(first);
          else if (labels === 2) scores[index] = sigmoid(logits.data[row * labels + 1]! - first);
          else throw new InputError('model', `"${options.model}" has ${labels} labels; a reranker needs 1 or 2`);
        });
      }
      return scores;
    },
    close: async () => {
      await model.dispose();
    },
  };
}
