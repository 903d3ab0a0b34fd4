/**
 * Embedding and reranking throughput with a MiniLM-shaped random-weight model (6 layers, 384
 * hidden, 30522 vocab) at 128 tokens per text. Prints one JSON document.
 *   node --import tsx bench/embed.ts [--device cpu|cuda|webgpu] [--texts N] [--dtypes fp32,q8]
 * Compares the local embedder (length-sorted batches of 1, 8, 32, 128) with a naive loop of one
 * Transformers.js feature-extraction pipeline call per text, and times the local cross-encoder.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { env, pipeline } from '@huggingface/transformers';
import { createLocalEmbedder } from '../src/models/local-embedder.js';
import { createLocalReranker } from '../src/models/local-reranker.js';
import type { LocalDevice, LocalDtype } from '../src/models/local-model.js';
import { testVocabularyWords } from '../src/models/test-model/wordpiece-tokenizer.js';
import { makeTestModel } from '../test/helpers/test-models.js';

/** The benchmark length: 128 tokens per text, [CLS] and [SEP] included. */
const TOKENS_PER_TEXT = 128;
const BATCH_SIZES = [1, 8, 32, 128] as const;
/** Texts timed per batch size: at least this many (and at least one full batch) for a stable rate. */
const MIN_TEXTS_PER_RUN = 32;
/** Passage length for reranking: query (3 tokens) + passage + 3 specials = 128. */
const RERANK_PASSAGE_WORDS = TOKENS_PER_TEXT - 6;
const RERANK_PAIRS = 100;

const { values } = parseArgs({
  options: {
    device: { type: 'string', default: 'cpu' },
    texts: { type: 'string', default: '128' },
    'naive-texts': { type: 'string', default: '16' },
    dtypes: { type: 'string', default: 'fp32,q8' },
  },
});
const device = values.device as LocalDevice;
if (!['cpu', 'cuda', 'webgpu'].includes(device)) throw new Error(`--device: expected cpu, cuda or webgpu, got ${values.device}`);
const textCount = Number(values.texts);
const naiveCount = Number(values['naive-texts']);
const dtypes = values.dtypes.split(',') as LocalDtype[];

/** Deterministic texts of exactly TOKENS_PER_TEXT - 2 single-token words. */
function makeTexts(count: number, words: number, salt: number): string[] {
  return Array.from({ length: count }, (_, t) =>
    Array.from({ length: words }, (_, w) => testVocabularyWords[(t * 7919 + w * 31 + salt) % testVocabularyWords.length]).join(' '),
  );
}

const seconds = (start: number): number => (performance.now() - start) / 1000;
const round = (value: number): number => Math.round(value * 10) / 10;

const modelsDir = await mkdtemp(join(tmpdir(), 'gw-bench-embed-'));
const report: Record<string, unknown> = {
  benchmark: 'embed',
  device,
  cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
  model: 'random-weight BERT, all-MiniLM-L6-v2 shape (6 layers, 384 hidden, 12 heads, 1536 intermediate, 30522 vocab)',
  tokensPerText: TOKENS_PER_TEXT,
  textsTimedPerBatchSize: Object.fromEntries(BATCH_SIZES.map((b) => [b, Math.min(textCount, Math.max(MIN_TEXTS_PER_RUN, b))])),
  naiveTexts: naiveCount,
};
try {
  const setupStart = performance.now();
  await makeTestModel(join(modelsDir, 'bench', 'minilm'), { kind: 'encoder', shape: 'minilm' });
  await makeTestModel(join(modelsDir, 'bench', 'minilm-cross'), { kind: 'cross-encoder', shape: 'minilm' });
  report.modelSetupSeconds = round(seconds(setupStart));
  const texts = makeTexts(textCount, TOKENS_PER_TEXT - 2, 0);
  const embedding: Record<string, unknown> = {};
  for (const dtype of dtypes) {
    const result: Record<string, unknown> = {};
    try {
      for (const batchSize of BATCH_SIZES) {
        const embedder = await createLocalEmbedder({ modelsDir, model: 'bench/minilm', dtype, device, batchSize });
        if (embedder.countTokens(texts[0]!) !== TOKENS_PER_TEXT) throw new Error(`texts are ${embedder.countTokens(texts[0]!)} tokens, expected ${TOKENS_PER_TEXT}`);
        await embedder.embedDocuments(texts.slice(0, batchSize)); // warm-up
        const timed = texts.slice(0, Math.max(MIN_TEXTS_PER_RUN, batchSize));
        const start = performance.now();
        await embedder.embedDocuments(timed);
        result[`batch${batchSize}`] = round(timed.length / seconds(start));
        await embedder.close?.();
      }
      // Naive baseline: one pipeline call per text, as in the Transformers.js README.
      env.allowRemoteModels = false;
      const extractor = await pipeline('feature-extraction', join(modelsDir, 'bench', 'minilm'), { local_files_only: true, dtype, device });
      await extractor(texts[0]!, { pooling: 'mean', normalize: true });
      const start = performance.now();
      for (const text of texts.slice(0, naiveCount)) await extractor(text, { pooling: 'mean', normalize: true });
      result.naivePipelineLoop = round(naiveCount / seconds(start));
      await extractor.dispose();
      const best = Math.max(...BATCH_SIZES.map((b) => result[`batch${b}`] as number));
      result.bestSpeedupOverNaive = round(best / (result.naivePipelineLoop as number));
    } catch (error) {
      result.error = (error as Error).message;
    }
    embedding[dtype] = result;
  }
  report.sentencesPerSecond = embedding;

  const rerank: Record<string, unknown> = {};
  for (const dtype of dtypes) {
    try {
      const reranker = await createLocalReranker({ modelsDir, model: 'bench/minilm-cross', dtype, device, batchSize: 32 });
      const passages = makeTexts(RERANK_PAIRS, RERANK_PASSAGE_WORDS, 11);
      const query = 'water energy cost';
      await reranker.rerank(query, passages.slice(0, 8));
      const times: number[] = [];
      for (let run = 0; run < 2; run++) {
        const start = performance.now();
        await reranker.rerank(query, passages);
        times.push(performance.now() - start);
      }
      rerank[dtype] = { msPer100Pairs: round(Math.min(...times)), pairTokens: TOKENS_PER_TEXT, batchSize: 32 };
      await reranker.close?.();
    } catch (error) {
      rerank[dtype] = { error: (error as Error).message };
    }
  }
  report.rerank = rerank;

  // On a GPU device: the same texts on the CPU provider, so the figures above are for the same
  // model output (float differences only).
  if (device !== 'cpu') {
    const parity: Record<string, unknown> = {};
    try {
      const sample = texts.slice(0, 32);
      const onDevice = await createLocalEmbedder({ modelsDir, model: 'bench/minilm', dtype: 'fp32', device, batchSize: 32 });
      const onCpu = await createLocalEmbedder({ modelsDir, model: 'bench/minilm', dtype: 'fp32', device: 'cpu', batchSize: 32 });
      const a = await onDevice.embedDocuments(sample);
      const b = await onCpu.embedDocuments(sample);
      let maxAbs = 0;
      let minCosine = 1;
      a.forEach((v, i) => {
        let dot = 0;
        for (let j = 0; j < v.length; j++) {
          maxAbs = Math.max(maxAbs, Math.abs(v[j]! - b[i]![j]!));
          dot += v[j]! * b[i]![j]!;
        }
        minCosine = Math.min(minCosine, dot);
      });
      parity.embeddings = { texts: sample.length, maxAbsDifference: maxAbs, minCosine };
      const passages = makeTexts(32, RERANK_PASSAGE_WORDS, 11);
      const rd = await (await createLocalReranker({ modelsDir, model: 'bench/minilm-cross', dtype: 'fp32', device, batchSize: 32 })).rerank('water energy cost', passages);
      const rc = await (await createLocalReranker({ modelsDir, model: 'bench/minilm-cross', dtype: 'fp32', device: 'cpu', batchSize: 32 })).rerank('water energy cost', passages);
      parity.rerankScores = { pairs: passages.length, maxAbsDifference: Math.max(...rd.map((x, i) => Math.abs(x - rc[i]!))) };
    } catch (error) {
      parity.error = (error as Error).message;
    }
    report.parityWithCpu = parity;
  }
} finally {
  await rm(modelsDir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
