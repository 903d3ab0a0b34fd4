import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBertOnnx } from '../../src/models/test-model/bert-graph.js';
import { TEST_MODEL_SHAPES, writeTestModel } from '../../src/models/test-model/write-test-model.js';
import { buildVocabulary } from '../../src/models/test-model/wordpiece-tokenizer.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gw-testmodel-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('test-model generator', () => {
  it('writes the Transformers.js layout with a BERT config', async () => {
    const dir = join(work, 'enc');
    const manifest = await writeTestModel(dir, { kind: 'encoder', shape: 'tiny', pooling: 'cls', queryPrefix: 'q: ' });
    expect(manifest).toMatchObject({ kind: 'embedder', pooling: 'cls', queryPrefix: 'q: ', dimensions: 32, source: 'generated' });
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'bert', architectures: ['BertModel'], hidden_size: 32, num_hidden_layers: 2, vocab_size: 1024 });
    const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    const ids = tokenizer.encode('The Data!');
    expect(ids[0]).toBe(2); // [CLS] in the tiny vocabulary ([PAD], [UNK], [CLS], [SEP], [MASK])
    expect(ids.at(-1)).toBe(3); // [SEP]
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe('the data!');
    const crossConfig = JSON.parse((await writeTestModel(join(work, 'cross'), { kind: 'cross-encoder', shape: 'tiny', quantized: false }), await readFile(join(work, 'cross', 'config.json'), 'utf8')));
    expect(crossConfig.architectures).toEqual(['BertForSequenceClassification']);
  });

  it('is deterministic per seed', () => {
    const shape = TEST_MODEL_SHAPES.tiny;
    const a = buildBertOnnx({ shape, head: 'encoder', quantized: false, seed: 1 });
    const b = buildBertOnnx({ shape, head: 'encoder', quantized: false, seed: 1 });
    const c = buildBertOnnx({ shape, head: 'encoder', quantized: false, seed: 2 });
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
    expect(Buffer.compare(Buffer.from(a), Buffer.from(c))).not.toBe(0);
    expect(buildBertOnnx({ shape, head: 'encoder', quantized: true, seed: 1 }).byteLength).toBeLessThan(a.byteLength);
  });

  it('builds a BERT-sized vocabulary with bert-base-uncased special ids', () => {
    const vocabulary = buildVocabulary(TEST_MODEL_SHAPES.minilm.vocabSize);
    expect(vocabulary).toHaveLength(30522);
    expect(new Set(vocabulary).size).toBe(30522);
    expect([vocabulary[0], vocabulary[100], vocabulary[101], vocabulary[102], vocabulary[103]]).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    expect(() => buildVocabulary(50)).toThrow(/too small/);
  });
});
