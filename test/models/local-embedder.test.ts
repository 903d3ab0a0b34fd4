import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroundworkError } from '../../src/errors.js';
import { createLocalEmbedder, type LocalEmbedder } from '../../src/models/local-embedder.js';
import { testVocabularyWords } from '../../src/models/test-model/wordpiece-tokenizer.js';
import { makeTestModel } from '../helpers/test-models.js';

const TEXTS = [
  'the team reports cost and price data',
  'search index',
  'what is the answer to the question about water and energy in the city during winter',
  'a',
  'model',
];

const norm = (v: Float32Array): number => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((sum, x, i) => sum + x * b[i]!, 0) / (norm(a) * norm(b));
const maxAbsDiff = (a: Float32Array, b: Float32Array): number => a.reduce((max, x, i) => Math.max(max, Math.abs(x - b[i]!)), 0);

let modelsDir: string;
let embedder: LocalEmbedder;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'gw-embed-'));
  await makeTestModel(join(modelsDir, 'test', 'mean'), { kind: 'encoder', pooling: 'mean' });
  await makeTestModel(join(modelsDir, 'test', 'cls'), { kind: 'encoder', pooling: 'cls' });
  await makeTestModel(join(modelsDir, 'test', 'e5-style'), { kind: 'encoder', prefixes: { query: 'query: ', document: 'passage: ' } });
  await makeTestModel(join(modelsDir, 'test', 'no-q8'), { kind: 'encoder', quantized: false });
  embedder = await createLocalEmbedder({ modelsDir, model: 'test/mean', batchSize: 4 });
});

afterAll(async () => {
  await embedder?.close?.();
  await rm(modelsDir, { recursive: true, force: true });
});

describe('createLocalEmbedder', () => {
  it('returns one unit-norm Float32Array of the model width per text', async () => {
    const vectors = await embedder.embedDocuments(TEXTS);
    expect(embedder.dimensions).toBe(32);
    expect(vectors).toHaveLength(TEXTS.length);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(32);
      expect(norm(vector)).toBeCloseTo(1, 5);
    }
    expect(maxAbsDiff(vectors[0]!, vectors[1]!)).toBeGreaterThan(1e-3);
    expect(await embedder.embedDocuments([])).toEqual([]);
  });

  it('gives the same vector batched (with padding) as one at a time, in fp32', async () => {
    const batched = await embedder.embedDocuments(TEXTS);
    for (const [index, text] of TEXTS.entries()) {
      const [alone] = await embedder.embedDocuments([text]);
      expect(maxAbsDiff(batched[index]!, alone!)).toBeLessThan(1e-5);
    }
    // A short text padded beside a long one keeps its embedding.
    const [short] = await embedder.embedDocuments(['search index', TEXTS[2]!]);
    expect(maxAbsDiff(short!, batched[1]!)).toBeLessThan(1e-5);
  });

  it('matches the Transformers.js feature-extraction pipeline (mean and CLS pooling)', async () => {
    for (const pooling of ['mean', 'cls'] as const) {
      const local = pooling === 'mean' ? embedder : await createLocalEmbedder({ modelsDir, model: 'test/cls' });
      expect(local.pooling).toBe(pooling);
      const extractor = await pipeline('feature-extraction', join(modelsDir, 'test', pooling), { local_files_only: true, dtype: 'fp32' });
      const reference = await extractor(TEXTS[0]!, { pooling, normalize: true });
      const [ours] = await local.embedDocuments([TEXTS[0]!]);
      expect(maxAbsDiff(ours!, reference.data as Float32Array)).toBeLessThan(1e-5);
      await extractor.dispose();
    }
  });

  it('is deterministic across separately loaded instances', async () => {
    const again = await createLocalEmbedder({ modelsDir, model: 'test/mean' });
    const [a, b] = [await embedder.embedDocuments(TEXTS), await again.embedDocuments(TEXTS)];
    a.forEach((vector, i) => expect(Array.from(vector)).toEqual(Array.from(b[i]!)));
    expect(again.revision).toBe(embedder.revision);
    expect(again.revision).toMatch(/^[0-9a-f]{12}$/);
    await again.close?.();
  });

  it('q8 weights stay within cosine 0.99 of fp32 and have their own revision', async () => {
    const quantized = await createLocalEmbedder({ modelsDir, model: 'test/mean', dtype: 'q8' });
    const [fp32, q8] = [await embedder.embedDocuments(TEXTS), await quantized.embedDocuments(TEXTS)];
    for (let i = 0; i < TEXTS.length; i++) expect(cosine(fp32[i]!, q8[i]!)).toBeGreaterThanOrEqual(0.99);
    expect(maxAbsDiff(fp32[0]!, q8[0]!)).toBeGreaterThan(0); // really a different (quantized) graph
    expect(quantized.revision).not.toBe(embedder.revision);
    await quantized.close?.();
  });

  it('applies query and passage prefixes from groundwork.json and counts them', async () => {
    const prefixed = await createLocalEmbedder({ modelsDir, model: 'test/e5-style' });
    expect(prefixed.queryPrefix).toBe('query: ');
    expect(prefixed.documentPrefix).toBe('passage: ');
    // Same seed and shape, so the same weights: only the prefix differs.
    const [asQuery, asDocument] = [await prefixed.embedQuery('water'), (await prefixed.embedDocuments(['water']))[0]!];
    const [plainQuery, plainPassage] = await embedder.embedDocuments(['query: water', 'passage: water']);
    expect(maxAbsDiff(asQuery, plainQuery!)).toBeLessThan(1e-5);
    expect(maxAbsDiff(asDocument, plainPassage!)).toBeLessThan(1e-5);
    expect(prefixed.countTokens('water')).toBe(embedder.countTokens('passage: water'));
    expect(embedder.countTokens('water')).toBe(3); // [CLS] water [SEP]
    await prefixed.close?.();
  });

  it('truncates at the model limit keeping [SEP], and counts it', async () => {
    const words = Array.from({ length: 300 }, (_, i) => testVocabularyWords[i % testVocabularyWords.length]!);
    const seen: number[] = [];
    const counting = await createLocalEmbedder({ modelsDir, model: 'test/mean', onTruncate: ({ tokens }) => seen.push(tokens) });
    expect(counting.maxInputTokens).toBe(128);
    const [long] = await counting.embedDocuments([words.join(' ')]);
    expect(counting.truncatedCount).toBe(1);
    expect(seen).toEqual([302]);
    // Each word is one token: the truncated input is [CLS] + the first 126 words + [SEP].
    const [cut] = await counting.embedDocuments([words.slice(0, 126).join(' ')]);
    expect(counting.truncatedCount).toBe(1);
    expect(maxAbsDiff(long!, cut!)).toBeLessThan(1e-5);
    await counting.close?.();
  });

  it('says how to get a model that is not installed', async () => {
    const error = await createLocalEmbedder({ modelsDir, model: 'Xenova/all-MiniLM-L6-v2' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroundworkError);
    expect((error as GroundworkError).code).toBe('MODEL_MISSING');
    expect((error as Error).message).toContain('groundwork models pull Xenova/all-MiniLM-L6-v2');
    expect((error as Error).message).toContain('groundwork models import');
    const noQ8 = await createLocalEmbedder({ modelsDir, model: 'test/no-q8', dtype: 'q8' }).catch((e: unknown) => e);
    expect((noQ8 as GroundworkError).code).toBe('MODEL_MISSING');
    expect((noQ8 as Error).message).toContain('model_quantized.onnx');
  });

  it('rejects model ids that escape the models folder', async () => {
    await expect(createLocalEmbedder({ modelsDir, model: '../etc' })).rejects.toThrow(/model: must be a model id/);
  });

  it('device cuda without the CUDA provider fails with a clear UNAVAILABLE error, not a CPU fallback', async () => {
    const error = await createLocalEmbedder({ modelsDir, model: 'test/mean', device: 'cuda' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroundworkError);
    expect((error as GroundworkError).code).toBe('UNAVAILABLE');
    expect((error as Error).message).toMatch(/device "cuda" is unavailable for model "test\/mean": .+\. Use device "cpu"/);
  });
});
