/**
 * Builds a BERT encoder as an ONNX graph (opset 17) with seeded random weights: the same inputs,
 * outputs and operator layout as a `BertModel` / `BertForSequenceClassification` export, so
 * Transformers.js loads it exactly like a published model. With `quantized`, every weight MatMul
 * becomes DynamicQuantizeLinear + MatMulInteger (uint8 activations x int8 weights), the layout
 * onnxruntime's `quantize_dynamic` produces for Transformers.js `model_quantized.onnx` files.
 */
import { mulberry32 } from '../../random.js';
import {
  type AttributeValue,
  OnnxDataType,
  type OnnxDataTypeValue,
  type ProtoWriter,
  type TensorData,
  graphProto,
  modelProto,
  nodeProto,
  tensorProto,
  tensorValueInfo,
} from './onnx-proto.js';

/** Architecture of the generated encoder. */
export interface BertShape {
  layers: number;
  hidden: number;
  heads: number;
  intermediate: number;
  vocabSize: number;
  maxPositions: number;
  typeVocabSize: number;
}

/** Standard deviation of the random weights: BERT's `initializer_range` (google-research/bert). */
const INITIALIZER_RANGE = 0.02;
/** BERT's LayerNorm epsilon (config.layer_norm_eps). */
const LAYER_NORM_EPSILON = 1e-12;
/** Added to attention scores of padded keys; exp() of it underflows to exactly 0 in float32. */
const MASKED_SCORE = -1e9;
/** int8 weights use the symmetric range [-127, 127] (onnxruntime quantize_dynamic, QInt8). */
const INT8_MAX = 127;
const OPSET = 17;

/** Seeded so the same options always yield the same weights. */
const createRandom = mulberry32;

/** Graph under construction: initializers, nodes and a counter for unique names. */
interface GraphBuilder {
  init(name: string, dataType: OnnxDataTypeValue, dims: readonly number[], data: TensorData): string;
  normal(name: string, dims: readonly number[]): Float32Array;
  node(opType: string, inputs: readonly string[], attributes?: Record<string, AttributeValue>, outputCount?: number): string[];
  op(opType: string, inputs: readonly string[], attributes?: Record<string, AttributeValue>): string;
  scalarFloat(value: number): string;
  int64s(values: readonly number[], dims?: readonly number[]): string;
  nodes: ProtoWriter[];
  initializers: ProtoWriter[];
}

function createGraphBuilder(seed: number): GraphBuilder {
  const random = createRandom(seed);
  const nodes: ProtoWriter[] = [];
  const initializers: ProtoWriter[] = [];
  let counter = 0;
  const gaussian = (): number => {
    // Box-Muller transform; 1 - u keeps the log argument in (0, 1].
    const u = 1 - random();
    const v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const builder: GraphBuilder = {
    nodes,
    initializers,
    init(name, dataType, dims, data) {
      initializers.push(tensorProto(name, dataType, dims, data));
      return name;
    },
    normal(name, dims) {
      const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
      for (let i = 0; i < data.length; i++) data[i] = gaussian() * INITIALIZER_RANGE;
      return data;
    },
    node(opType, inputs, attributes, outputCount = 1) {
      const id = counter++;
      const outputs = Array.from({ length: outputCount }, (_, i) => `${opType}_${id}_out${i}`);
      nodes.push(nodeProto({ opType, name: `${opType}_${id}`, inputs, outputs, attributes }));
      return outputs;
    },
    op(opType, inputs, attributes) {
      return builder.node(opType, inputs, attributes)[0] as string;
    },
    scalarFloat(value) {
      return builder.init(`const_${counter++}`, OnnxDataType.FLOAT, [], Float32Array.of(value));
    },
    int64s(values, dims = [values.length]) {
      return builder.init(`const_${counter++}`, OnnxDataType.INT64, dims, BigInt64Array.from(values.map(BigInt)));
    },
  };
  return builder;
}

/** Emits x @ W + b for a random W [inDim, outDim], in fp32 or dynamically quantized. */
function linear(g: GraphBuilder, x: string, name: string, inDim: number, outDim: number, quantized: boolean): string {
  const weight = g.normal(`${name}.weight`, [inDim, outDim]);
  const bias = g.init(`${name}.bias`, OnnxDataType.FLOAT, [outDim], g.normal(`${name}.bias`, [outDim]));
  if (!quantized) {
    const w = g.init(`${name}.weight`, OnnxDataType.FLOAT, [inDim, outDim], weight);
    return g.op('Add', [g.op('MatMul', [x, w]), bias]);
  }
  let maxAbs = 0;
  for (const value of weight) maxAbs = Math.max(maxAbs, Math.abs(value));
  const scale = maxAbs / INT8_MAX || 1;
  const weightInt8 = Int8Array.from(weight, (value) => Math.max(-INT8_MAX, Math.min(INT8_MAX, Math.round(value / scale))));
  const w = g.init(`${name}.weight_quantized`, OnnxDataType.INT8, [inDim, outDim], weightInt8);
  const wZero = g.init(`${name}.weight_zero_point`, OnnxDataType.INT8, [], Int8Array.of(0));
  const [xq, xScale, xZero] = g.node('DynamicQuantizeLinear', [x], undefined, 3) as [string, string, string];
  const product = g.op('MatMulInteger', [xq, w, xZero, wZero]);
  const productFloat = g.op('Cast', [product], { to: { int: OnnxDataType.FLOAT } });
  const combinedScale = g.op('Mul', [xScale, g.scalarFloat(scale)]);
  return g.op('Add', [g.op('Mul', [productFloat, combinedScale]), bias]);
}

function layerNorm(g: GraphBuilder, x: string, name: string, hidden: number): string {
  const gamma = g.init(`${name}.weight`, OnnxDataType.FLOAT, [hidden], new Float32Array(hidden).fill(1));
  const beta = g.init(`${name}.bias`, OnnxDataType.FLOAT, [hidden], new Float32Array(hidden));
  return g.op('LayerNormalization', [x, gamma, beta], { axis: { int: -1 }, epsilon: { float: LAYER_NORM_EPSILON } });
}

/** Exact GELU: 0.5 * x * (1 + erf(x / sqrt(2))), BERT's `hidden_act: gelu`. */
function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.scalarFloat(Math.SQRT2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.scalarFloat(0.5)]), g.op('Add', [erf, g.scalarFloat(1)])]);
}

/** Builds the ONNX bytes of a random-weight BERT encoder or cross-encoder. */
export function buildBertOnnx(args: { shape: BertShape; head: 'encoder' | 'cross-encoder'; quantized: boolean; seed: number }): Uint8Array {
  const { shape, head, quantized } = args;
  const g = createGraphBuilder(args.seed);
  const headSize = shape.hidden / shape.heads;
  if (!Number.isInteger(headSize)) throw new Error(`hidden ${shape.hidden} is not divisible by heads ${shape.heads}`);

  const wordEmbeddings = g.init('embeddings.word_embeddings.weight', OnnxDataType.FLOAT, [shape.vocabSize, shape.hidden], g.normal('w', [shape.vocabSize, shape.hidden]));
  const positionEmbeddings = g.init('embeddings.position_embeddings.weight', OnnxDataType.FLOAT, [shape.maxPositions, shape.hidden], g.normal('p', [shape.maxPositions, shape.hidden]));
  const typeEmbeddings = g.init('embeddings.token_type_embeddings.weight', OnnxDataType.FLOAT, [shape.typeVocabSize, shape.hidden], g.normal('t', [shape.typeVocabSize, shape.hidden]));

  const sequenceLength = g.op('Gather', [g.op('Shape', ['input_ids']), g.int64s([1], [])], { axis: { int: 0 } });
  const positions = g.op('Range', [g.int64s([0], []), sequenceLength, g.int64s([1], [])]);
  let x = g.op('Add', [
    g.op('Add', [g.op('Gather', [wordEmbeddings, 'input_ids']), g.op('Gather', [positionEmbeddings, positions])]),
    g.op('Gather', [typeEmbeddings, 'token_type_ids']),
  ]);
  x = layerNorm(g, x, 'embeddings.LayerNorm', shape.hidden);

  // Additive attention mask [batch, 1, 1, seq]: 0 for real tokens, MASKED_SCORE for padding.
  const maskFloat = g.op('Cast', ['attention_mask'], { to: { int: OnnxDataType.FLOAT } });
  const inverted = g.op('Sub', [g.scalarFloat(1), maskFloat]);
  const additiveMask = g.op('Unsqueeze', [g.op('Mul', [inverted, g.scalarFloat(MASKED_SCORE)]), g.int64s([1, 2])]);
  const splitHeads = g.int64s([0, 0, shape.heads, headSize]);
  const mergeHeads = g.int64s([0, 0, shape.hidden]);
  const scoreScale = g.scalarFloat(1 / Math.sqrt(headSize));

  for (let layer = 0; layer < shape.layers; layer++) {
    const prefix = `encoder.layer.${layer}`;
    const heads = (name: string, perm: number[]): string =>
      g.op('Transpose', [g.op('Reshape', [linear(g, x, `${prefix}.attention.self.${name}`, shape.hidden, shape.hidden, quantized), splitHeads])], { perm: { ints: perm } });
    const query = heads('query', [0, 2, 1, 3]);
    const key = heads('key', [0, 2, 3, 1]);
    const value = heads('value', [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [query, key]), scoreScale]), additiveMask]);
    const probabilities = g.op('Softmax', [scores], { axis: { int: -1 } });
    const context = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probabilities, value])], { perm: { ints: [0, 2, 1, 3] } }), mergeHeads]);
    const attention = linear(g, context, `${prefix}.attention.output.dense`, shape.hidden, shape.hidden, quantized);
    x = layerNorm(g, g.op('Add', [attention, x]), `${prefix}.attention.output.LayerNorm`, shape.hidden);
    const intermediate = gelu(g, linear(g, x, `${prefix}.intermediate.dense`, shape.hidden, shape.intermediate, quantized));
    const output = linear(g, intermediate, `${prefix}.output.dense`, shape.intermediate, shape.hidden, quantized);
    x = layerNorm(g, g.op('Add', [output, x]), `${prefix}.output.LayerNorm`, shape.hidden);
  }

  const dynamic = ['batch_size', 'sequence_length'];
  const inputs = ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => tensorValueInfo(name, OnnxDataType.INT64, dynamic));
  let outputs: ProtoWriter[];
  if (head === 'encoder') {
    g.nodes.push(nodeProto({ opType: 'Identity', name: 'last_hidden_state_identity', inputs: [x], outputs: ['last_hidden_state'] }));
    outputs = [tensorValueInfo('last_hidden_state', OnnxDataType.FLOAT, [...dynamic, shape.hidden])];
  } else {
    // BertPooler (tanh over the [CLS] token) then a one-logit classifier, as in BertForSequenceClassification.
    const cls = g.op('Gather', [x, g.int64s([0], [])], { axis: { int: 1 } });
    const pooled = g.op('Tanh', [linear(g, cls, 'pooler.dense', shape.hidden, shape.hidden, quantized)]);
    const logits = linear(g, pooled, 'classifier', shape.hidden, 1, quantized);
    g.nodes.push(nodeProto({ opType: 'Identity', name: 'logits_identity', inputs: [logits], outputs: ['logits'] }));
    outputs = [tensorValueInfo('logits', OnnxDataType.FLOAT, ['batch_size', 1])];
  }
  return modelProto(graphProto({ name: 'bert', nodes: g.nodes, initializers: g.initializers, inputs, outputs }), OPSET);
}
