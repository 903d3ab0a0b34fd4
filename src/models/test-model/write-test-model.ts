/**
 * Writes a random-weight BERT-style model in the Transformers.js folder layout (config.json,
 * tokenizer.json, tokenizer_config.json, onnx/model.onnx, onnx/model_quantized.onnx,
 * groundwork.json). For tests and benchmarks only: the vectors carry no meaning.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_MANIFEST_FILE, type ModelManifest } from '../model-manifest.js';
import { type BertShape, buildBertOnnx } from './bert-graph.js';
import { buildTokenizerFiles, buildVocabulary } from './wordpiece-tokenizer.js';

/** Shapes: a tiny one for unit tests, and sentence-transformers/all-MiniLM-L6-v2's for benchmarks. */
export const TEST_MODEL_SHAPES = {
  tiny: { layers: 2, hidden: 32, heads: 4, intermediate: 64, vocabSize: 1024, maxPositions: 128, typeVocabSize: 2 },
  // all-MiniLM-L6-v2 config.json: 6 layers, 384 hidden, 12 heads, 1536 intermediate, 30522 vocab, 512 positions.
  minilm: { layers: 6, hidden: 384, heads: 12, intermediate: 1536, vocabSize: 30522, maxPositions: 512, typeVocabSize: 2 },
} as const satisfies Record<string, BertShape>;

export interface TestModelOptions {
  kind: 'encoder' | 'cross-encoder';
  shape: keyof typeof TEST_MODEL_SHAPES;
  pooling?: 'mean' | 'cls';
  queryPrefix?: string;
  documentPrefix?: string;
  /** Also write onnx/model_quantized.onnx (dtype q8). Default true. */
  quantized?: boolean;
  /** Weight seed; the same options always produce the same files. Default 42. */
  seed?: number;
  /** Id recorded in groundwork.json. Default `groundwork-test/<kind>-<shape>`. */
  id?: string;
}

/** Writes the model folder and returns its manifest. */
export async function writeTestModel(dir: string, options: TestModelOptions): Promise<ModelManifest> {
  const shape = TEST_MODEL_SHAPES[options.shape];
  const seed = options.seed ?? 42;
  const id = options.id ?? `groundwork-test/${options.kind}-${options.shape}`;
  const vocabulary = buildVocabulary(shape.vocabSize);
  const { tokenizer, tokenizerConfig } = buildTokenizerFiles(vocabulary, shape.maxPositions);
  const isEncoder = options.kind === 'encoder';
  const config = {
    _name_or_path: id,
    model_type: 'bert',
    architectures: [isEncoder ? 'BertModel' : 'BertForSequenceClassification'],
    hidden_size: shape.hidden,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    intermediate_size: shape.intermediate,
    hidden_act: 'gelu',
    max_position_embeddings: shape.maxPositions,
    type_vocab_size: shape.typeVocabSize,
    vocab_size: shape.vocabSize,
    layer_norm_eps: 1e-12,
    pad_token_id: 0,
    ...(isEncoder ? {} : { id2label: { 0: 'LABEL_0' }, label2id: { LABEL_0: 0 } }),
  };
  const head = isEncoder ? 'encoder' : 'cross-encoder';
  await mkdir(join(dir, 'onnx'), { recursive: true });
  await writeFile(join(dir, 'config.json'), JSON.stringify(config, null, 2));
  await writeFile(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  await writeFile(join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2));
  await writeFile(join(dir, 'vocab.txt'), `${vocabulary.join('\n')}\n`);
  await writeFile(join(dir, 'onnx', 'model.onnx'), buildBertOnnx({ shape, head, quantized: false, seed }));
  if (options.quantized ?? true) {
    await writeFile(join(dir, 'onnx', 'model_quantized.onnx'), buildBertOnnx({ shape, head, quantized: true, seed }));
  }
  const manifest: ModelManifest = {
    id,
    kind: isEncoder ? 'embedder' : 'reranker',
    source: 'generated',
    maxInputTokens: shape.maxPositions,
    ...(isEncoder ? { pooling: options.pooling ?? 'mean', dimensions: shape.hidden } : {}),
    ...(options.queryPrefix === undefined ? {} : { queryPrefix: options.queryPrefix }),
    ...(options.documentPrefix === undefined ? {} : { documentPrefix: options.documentPrefix }),
  };
  await writeFile(join(dir, MODEL_MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  return manifest;
}
