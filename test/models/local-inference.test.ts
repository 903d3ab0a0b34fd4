/**
 * Local inference machinery: length-bucketed batches planned by tokens (same vectors as fixed
 * batches in input order), threads and sessions never above the cores, precision parity and the
 * index binding's refusal of a query precision that fails it, and the CUDA check.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openPgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';
import { GroundworkError } from '../../src/errors.js';
import { planBatches } from '../../src/models/length-buckets.js';
import { createLocalEmbedder, type LocalEmbedder, TOKENIZE_WINDOW_TEXTS } from '../../src/models/local-embedder.js';
import { missingForDevice } from '../../src/models/local-model.js';
import { compareEmbeddings, PARITY_MIN_COSINE } from '../../src/models/local-precision-parity.js';
import { availableCores, resolveParallelism } from '../../src/models/local-session.js';
import { testVocabularyWords } from '../../src/models/test-model/wordpiece-tokenizer.js';
import type { Embedder } from '../../src/models/types.js';
import { bindEmbedderForIngest, checkQueryEmbedder, tenantEmbedders } from '../../src/search-index/embedder-binding.js';
import { makeTestModel } from '../helpers/test-models.js';

/** Texts of 1 to 60 words, in no length order. */
const TEXTS = [7, 60, 1, 23, 2, 41, 13, 5, 33, 1, 18, 52].map((words, t) =>
  Array.from({ length: words }, (_, w) => testVocabularyWords[(t * 37 + w * 11) % testVocabularyWords.length]).join(' '),
);
const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((max, x, i) => Math.max(max, Math.abs(x - b[i]!)), 0);

describe('planBatches', () => {
  it('sorts longest first and fills each pass up to the padded-token budget', () => {
    const lengths = [5, 120, 7, 60, 64, 3];
    const batches = planBatches(lengths, { maxBatchTokens: 200, maxBatchSize: 32, lengthBuckets: true });
    expect(batches).toEqual([
      { indices: [1], paddedLength: 120 },
      { indices: [4, 3, 2], paddedLength: 64 },
      { indices: [0, 5], paddedLength: 5 },
    ]);
    for (const { indices, paddedLength } of batches) expect(indices.length * paddedLength).toBeLessThanOrEqual(200);
    expect(batches.flatMap((b) => b.indices).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('caps inputs per pass, gives an over-budget input its own pass, and without buckets keeps input order', () => {
    expect(planBatches([4, 4, 4, 4, 4], { maxBatchTokens: 1000, maxBatchSize: 2, lengthBuckets: true }).map((b) => b.indices)).toEqual([[0, 1], [2, 3], [4]]);
    expect(planBatches([300, 2], { maxBatchTokens: 100, maxBatchSize: 8, lengthBuckets: true })).toEqual([
      { indices: [0], paddedLength: 300 },
      { indices: [1], paddedLength: 2 },
    ]);
    expect(planBatches([5, 120, 7], { maxBatchTokens: 10, maxBatchSize: 2, lengthBuckets: false })).toEqual([
      { indices: [0, 1], paddedLength: 120 },
      { indices: [2], paddedLength: 7 },
    ]);
    expect(() => planBatches([1], { maxBatchTokens: 0, maxBatchSize: 2, lengthBuckets: true })).toThrow(/batchTokens/);
  });
});

describe('resolveParallelism', () => {
  it('defaults to one session with a thread per core, and never allows more threads than cores', () => {
    expect(resolveParallelism({}, 8)).toEqual({ threads: 8, sessions: 1 });
    expect(resolveParallelism({ sessions: 4 }, 8)).toEqual({ threads: 2, sessions: 4 });
    expect(resolveParallelism({ sessions: 2, threads: 1 }, 2)).toEqual({ threads: 1, sessions: 2 });
    expect(() => resolveParallelism({ threads: 3 }, 2)).toThrow(/3 threads x 1 session\(s\) is more than the 2 cores/);
    expect(() => resolveParallelism({ threads: 2, sessions: 2 }, 2)).toThrow(/more than the 2 cores/);
    expect(() => resolveParallelism({ sessions: 3 }, 2)).toThrow(/3 sessions is more than the 2 cores/);
    for (let cores = 1; cores <= 16; cores++) {
      for (let sessions = 1; sessions <= cores; sessions++) {
        const { threads } = resolveParallelism({ sessions }, cores);
        expect(threads * sessions).toBeLessThanOrEqual(cores);
      }
    }
  });
});

describe('local embedder batching, threads and precision', () => {
  let modelsDir: string;
  let bucketed: LocalEmbedder;
  let db: Db;

  beforeAll(async () => {
    modelsDir = await mkdtemp(join(tmpdir(), 'gw-inference-'));
    await makeTestModel(join(modelsDir, 'test', 'enc'), { kind: 'encoder' });
    // A "quantized" file that is not a quantization of these weights (another seed's): parity must fail.
    await makeTestModel(join(modelsDir, 'test', 'bad-q8'), { kind: 'encoder', quantized: false });
    await makeTestModel(join(modelsDir, 'test', 'other-seed'), { kind: 'encoder', seed: 7 });
    await copyFile(join(modelsDir, 'test', 'other-seed', 'onnx', 'model_quantized.onnx'), join(modelsDir, 'test', 'bad-q8', 'onnx', 'model_quantized.onnx'));
    // A small token budget so the texts span several buckets.
    bucketed = await createLocalEmbedder({ modelsDir, model: 'test/enc', batchTokens: 96, batchSize: 8 });
    db = await openPgliteDb({ dataDir: 'memory://' });
    await migrate(db);
  });

  afterAll(async () => {
    await bucketed?.close?.();
    await db?.close();
    await rm(modelsDir, { recursive: true, force: true });
  });

  it('length buckets give the same embeddings as fixed batches in input order (within 1e-5)', async () => {
    const unbucketed = await createLocalEmbedder({ modelsDir, model: 'test/enc', lengthBuckets: false, batchSize: 5 });
    expect(bucketed.lengthBuckets).toBe(true);
    expect(unbucketed.lengthBuckets).toBe(false);
    const [a, b] = [await bucketed.embedDocuments(TEXTS), await unbucketed.embedDocuments(TEXTS)];
    expect(a).toHaveLength(TEXTS.length);
    a.forEach((vector, i) => expect(maxAbsDiff(vector, b[i]!)).toBeLessThan(1e-5));
    // Distinct texts keep distinct vectors (the results are not shuffled onto one another).
    expect(maxAbsDiff(a[0]!, a[1]!)).toBeGreaterThan(1e-3);
    // More texts than one tokenizing window: each window's batches land on their own texts.
    const many = Array.from({ length: TOKENIZE_WINDOW_TEXTS * 2 + 20 }, (_, i) => `${TEXTS[i % TEXTS.length]} ${testVocabularyWords[i % testVocabularyWords.length]}`);
    const [c, d] = [await bucketed.embedDocuments(many), await unbucketed.embedDocuments(many)];
    expect(c).toHaveLength(many.length);
    c.forEach((vector, i) => expect(maxAbsDiff(vector, d[i]!)).toBeLessThan(1e-5));
    await unbucketed.close?.();
  });

  it('runs with threads and sessions within the cores; two single-thread sessions give the same vectors', async () => {
    const { threads, sessions } = bucketed.parallelism;
    expect(threads * sessions).toBeLessThanOrEqual(availableCores());
    await expect(createLocalEmbedder({ modelsDir, model: 'test/enc', threads: availableCores() + 1 })).rejects.toThrow(/more than the \d+ cores/);
    if (availableCores() < 2) return;
    const perCore = await createLocalEmbedder({ modelsDir, model: 'test/enc', threads: 1, sessions: 2, batchTokens: 96, batchSize: 8 });
    expect(perCore.parallelism).toEqual({ threads: 1, sessions: 2 });
    const [a, b] = [await bucketed.embedDocuments(TEXTS), await perCore.embedDocuments(TEXTS)];
    a.forEach((vector, i) => expect(maxAbsDiff(vector, b[i]!)).toBeLessThan(1e-5));
    await perCore.close?.();
  });

  it('q8 passes the parity check against fp32; a q8 file of other weights fails it', async () => {
    const good = await bucketed.parityWith('q8');
    expect(good).toMatchObject({ reference: 'q8', candidate: 'fp32', threshold: PARITY_MIN_COSINE, compatible: true });
    expect(good.minCosine).toBeGreaterThanOrEqual(PARITY_MIN_COSINE);
    expect(good.minCosine).toBeLessThan(1); // really another graph
    const bad = await createLocalEmbedder({ modelsDir, model: 'test/bad-q8', dtype: 'q8' });
    const parity = await bad.parityWith('fp32');
    expect(parity.compatible).toBe(false);
    expect(parity.minCosine).toBeLessThan(PARITY_MIN_COSINE);
    await bad.close?.();
    await expect(bucketed.parityWith('fp16')).rejects.toThrow(/dtype/);
  });

  it('records the dtype in the binding and refuses a query precision that fails parity', async () => {
    await bindEmbedderForIngest(db, 'prec', bucketed, false);
    expect((await tenantEmbedders(db, 'prec')).active?.dtype).toBe('fp32');
    // Same model and precision: no parity needed.
    expect((await checkQueryEmbedder(db, 'prec', bucketed))?.dtype).toBe('fp32');
    // The real q8 of the same weights passes parity and may query the fp32 index.
    const q8 = await createLocalEmbedder({ modelsDir, model: 'test/enc', dtype: 'q8', threads: 1 });
    expect((await checkQueryEmbedder(db, 'prec', q8))?.id).toBeGreaterThan(0);
    await q8.close?.();
    // An embedder claiming q8 whose parity fails, and one that cannot check: both refused.
    const failing: Embedder = {
      ...bucketed,
      dtype: 'q8',
      parityWith: async (dtype) => compareEmbeddings({ dtype, vectors: [Float32Array.of(1, 0)] }, { dtype: 'q8', vectors: [Float32Array.of(0.9, 0.1)] }),
    };
    const error = await checkQueryEmbedder(db, 'prec', failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroundworkError);
    expect((error as GroundworkError).code).toBe('EMBEDDER_MISMATCH');
    expect((error as Error).message).toMatch(/built by .*fp32\); queries are embedded at q8, and their parity check fails \(lowest cosine 0\.99388/);
    const unchecked: Embedder = { ...bucketed, dtype: 'q8', parityWith: undefined };
    await expect(checkQueryEmbedder(db, 'prec', unchecked)).rejects.toThrow(/cannot check parity between precisions/);
  });

  it('device cuda names the missing CUDA provider library', async () => {
    expect(missingForDevice('cpu')).toBeUndefined();
    expect(missingForDevice('cuda', 'darwin/arm64')).toMatch(/linux\/x64 only/);
    const missing = missingForDevice('cuda');
    if (missing === undefined) return; // a machine with onnxruntime-node's CUDA provider installed
    expect(missing).toMatch(/libonnxruntime_providers_cuda\.so is not installed/);
    const error = await createLocalEmbedder({ modelsDir, model: 'test/enc', device: 'cuda' }).catch((e: unknown) => e);
    expect((error as GroundworkError).code).toBe('UNAVAILABLE');
    expect((error as Error).message).toContain('libonnxruntime_providers_cuda.so');
  });
});
