import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroundworkError } from '../../src/errors.js';
import { createLocalReranker, type LocalReranker } from '../../src/models/local-reranker.js';
import { noReranker } from '../../src/models/no-reranker.js';
import { testVocabularyWords } from '../../src/models/test-model/wordpiece-tokenizer.js';
import { makeTestModel } from '../helpers/test-models.js';

const PASSAGES = ['the river runs north through the city', 'price of energy', 'team report on cost data and search ranking', 'a'];

let modelsDir: string;
let reranker: LocalReranker;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'gw-rerank-'));
  await makeTestModel(join(modelsDir, 'test', 'cross'), { kind: 'cross-encoder' });
  await makeTestModel(join(modelsDir, 'test', 'encoder'), { kind: 'encoder' });
  reranker = await createLocalReranker({ modelsDir, model: 'test/cross', batchSize: 3 });
});

afterAll(async () => {
  await reranker?.close?.();
  await rm(modelsDir, { recursive: true, force: true });
});

describe('createLocalReranker', () => {
  it('scores each pair in (0, 1), in input order, the same batched as alone', async () => {
    const scores = await reranker.rerank('water in the city', PASSAGES);
    expect(scores).toHaveLength(PASSAGES.length);
    for (const score of scores) expect(score > 0 && score < 1).toBe(true);
    expect(new Set(scores).size).toBe(PASSAGES.length);
    for (const [index, passage] of PASSAGES.entries()) {
      const [alone] = await reranker.rerank('water in the city', [passage]);
      expect(Math.abs(alone! - scores[index]!)).toBeLessThan(1e-6);
    }
    expect(await reranker.rerank('q', [])).toEqual([]);
  });

  it('depends on the query and is deterministic', async () => {
    const a = await reranker.rerank('water in the city', PASSAGES);
    const b = await reranker.rerank('price report', PASSAGES);
    expect(a).not.toEqual(b);
    const again = await createLocalReranker({ modelsDir, model: 'test/cross' });
    expect(await again.rerank('water in the city', PASSAGES)).toEqual(a);
    await again.close?.();
  });

  it('truncates a long passage to the model limit and counts it', async () => {
    const long = Array.from({ length: 400 }, (_, i) => testVocabularyWords[i % testVocabularyWords.length]).join(' ');
    const [score] = await reranker.rerank('water', [long]);
    expect(Number.isFinite(score)).toBe(true);
    expect(reranker.truncatedCount).toBe(1);
    // [CLS] water [SEP] + 124 passage words + [SEP] = 128: same as the passage cut by hand.
    const cut = long.split(' ').slice(0, 124).join(' ');
    const [byHand] = await reranker.rerank('water', [cut]);
    expect(Math.abs(byHand! - score!)).toBeLessThan(1e-6);
  });

  it('refuses an embedding model and says what is missing', async () => {
    await expect(createLocalReranker({ modelsDir, model: 'test/encoder' })).rejects.toThrow(/not a cross-encoder/);
    const missing = await createLocalReranker({ modelsDir, model: 'Xenova/ms-marco-MiniLM-L-6-v2' }).catch((e: unknown) => e);
    expect((missing as GroundworkError).code).toBe('MODEL_MISSING');
    expect((missing as Error).message).toContain('groundwork models pull Xenova/ms-marco-MiniLM-L-6-v2');
  });

  it('device cuda gives the clear UNAVAILABLE error', async () => {
    const error = await createLocalReranker({ modelsDir, model: 'test/cross', device: 'cuda' }).catch((e: unknown) => e);
    expect((error as GroundworkError).code).toBe('UNAVAILABLE');
    expect((error as Error).message).toContain('device "cuda"');
  });
});

describe('noReranker', () => {
  it('keeps the input order', async () => {
    const scores = await noReranker.rerank('q', ['a', 'b', 'c']);
    expect(scores).toHaveLength(3);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    expect(scores[0]).toBeGreaterThan(scores[1]!);
  });
});
