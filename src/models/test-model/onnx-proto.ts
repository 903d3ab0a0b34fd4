/**
 * A minimal protobuf writer for ONNX models: just the messages and fields the test-model generator
 * emits (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto). Field
 * numbers follow onnx/onnx.proto3 (ONNX 1.14). Writing the wire format directly keeps the generator
 * free of Python and of an extra protobuf dependency.
 */

/** ONNX TensorProto.DataType values used here (onnx.proto3, enum DataType). */
export const OnnxDataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7 } as const;
export type OnnxDataTypeValue = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** AttributeProto.AttributeType values (onnx.proto3). */
const AttributeType = { FLOAT: 1, INT: 2, TENSOR: 4, INTS: 7 } as const;

const WIRE_VARINT = 0;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Accumulates encoded fields without copying nested payloads until `finish`. */
export interface ProtoWriter {
  readonly byteLength: number;
  varint(field: number, value: number | bigint): ProtoWriter;
  float(field: number, value: number): ProtoWriter;
  bytes(field: number, value: Uint8Array): ProtoWriter;
  string(field: number, value: string): ProtoWriter;
  message(field: number, value: ProtoWriter): ProtoWriter;
  /** Appends this writer's parts to `sink` (used for nesting without copies). */
  appendTo(sink: Uint8Array[]): void;
  finish(): Uint8Array;
}

function encodeVarint(value: number | bigint): Uint8Array {
  // int64 fields: negative values are written as their 64-bit two's complement (10 bytes).
  let remaining = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(remaining & 0x7fn);
    remaining >>= 7n;
    if (remaining !== 0n) byte |= 0x80;
    out.push(byte);
  } while (remaining !== 0n);
  return Uint8Array.from(out);
}

/** Creates an empty protobuf writer. */
export function createProtoWriter(): ProtoWriter {
  const parts: Uint8Array[] = [];
  let byteLength = 0;
  const push = (part: Uint8Array): void => {
    parts.push(part);
    byteLength += part.byteLength;
  };
  const tag = (field: number, wire: number): void => push(encodeVarint((field << 3) | wire));
  const writer: ProtoWriter = {
    get byteLength() {
      return byteLength;
    },
    varint(field, value) {
      tag(field, WIRE_VARINT);
      push(encodeVarint(value));
      return writer;
    },
    float(field, value) {
      tag(field, WIRE_FIXED32);
      const buffer = new Uint8Array(4);
      new DataView(buffer.buffer).setFloat32(0, value, true);
      push(buffer);
      return writer;
    },
    bytes(field, value) {
      tag(field, WIRE_LENGTH_DELIMITED);
      push(encodeVarint(value.byteLength));
      push(value);
      return writer;
    },
    string(field, value) {
      return writer.bytes(field, new TextEncoder().encode(value));
    },
    message(field, value) {
      tag(field, WIRE_LENGTH_DELIMITED);
      push(encodeVarint(value.byteLength));
      const nested: Uint8Array[] = [];
      value.appendTo(nested);
      for (const part of nested) push(part);
      return writer;
    },
    appendTo(sink) {
      for (const part of parts) sink.push(part);
    },
    finish() {
      const out = new Uint8Array(byteLength);
      let offset = 0;
      for (const part of parts) {
        out.set(part, offset);
        offset += part.byteLength;
      }
      return out;
    },
  };
  return writer;
}

/** Raw tensor data accepted by `tensorProto`. */
export type TensorData = Float32Array | BigInt64Array | Int32Array | Int8Array | Uint8Array;

/** TensorProto: dims=1, data_type=2, name=8, raw_data=9 (little-endian, as ONNX requires). */
export function tensorProto(name: string, dataType: OnnxDataTypeValue, dims: readonly number[], data: TensorData): ProtoWriter {
  const writer = createProtoWriter();
  for (const dim of dims) writer.varint(1, dim);
  writer.varint(2, dataType);
  writer.string(8, name);
  writer.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return writer;
}

/** An attribute value: tagged so the encoder knows which AttributeProto field to use. */
export type AttributeValue = { int: number } | { ints: readonly number[] } | { float: number } | { tensor: ProtoWriter };

/** AttributeProto: name=1, f=2, i=3, t=5, ints=8, type=20. */
function attributeProto(name: string, value: AttributeValue): ProtoWriter {
  const writer = createProtoWriter().string(1, name);
  if ('int' in value) writer.varint(3, value.int).varint(20, AttributeType.INT);
  else if ('ints' in value) {
    for (const item of value.ints) writer.varint(8, item);
    writer.varint(20, AttributeType.INTS);
  } else if ('float' in value) writer.float(2, value.float).varint(20, AttributeType.FLOAT);
  else writer.message(5, value.tensor).varint(20, AttributeType.TENSOR);
  return writer;
}

/** NodeProto: input=1, output=2, name=3, op_type=4, attribute=5, domain=7. */
export function nodeProto(args: {
  opType: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Record<string, AttributeValue>;
  domain?: string;
}): ProtoWriter {
  const writer = createProtoWriter();
  for (const input of args.inputs) writer.string(1, input);
  for (const output of args.outputs) writer.string(2, output);
  writer.string(3, args.name).string(4, args.opType);
  for (const [name, value] of Object.entries(args.attributes ?? {})) writer.message(5, attributeProto(name, value));
  if (args.domain) writer.string(7, args.domain);
  return writer;
}

/** ValueInfoProto for a tensor: name=1, type=2 -> TypeProto.tensor_type=1 -> elem_type=1, shape=2 -> dim=1. */
export function tensorValueInfo(name: string, elemType: OnnxDataTypeValue, dims: readonly (number | string)[]): ProtoWriter {
  const shape = createProtoWriter();
  for (const dim of dims) {
    const dimension = createProtoWriter();
    if (typeof dim === 'number') dimension.varint(1, dim);
    else dimension.string(2, dim);
    shape.message(1, dimension);
  }
  const tensorType = createProtoWriter().varint(1, elemType).message(2, shape);
  const type = createProtoWriter().message(1, tensorType);
  return createProtoWriter().string(1, name).message(2, type);
}

/** GraphProto: node=1, name=2, initializer=5, input=11, output=12. */
export function graphProto(args: {
  name: string;
  nodes: readonly ProtoWriter[];
  initializers: readonly ProtoWriter[];
  inputs: readonly ProtoWriter[];
  outputs: readonly ProtoWriter[];
}): ProtoWriter {
  const writer = createProtoWriter();
  for (const node of args.nodes) writer.message(1, node);
  writer.string(2, args.name);
  for (const initializer of args.initializers) writer.message(5, initializer);
  for (const input of args.inputs) writer.message(11, input);
  for (const output of args.outputs) writer.message(12, output);
  return writer;
}

/** ONNX IR version 8 pairs with opset 17 (onnx/docs/Versioning.md). */
const IR_VERSION = 8;

/** ModelProto: ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8 (domain=1, version=2). */
export function modelProto(graph: ProtoWriter, opsetVersion: number, producer = 'groundwork-test-model'): Uint8Array {
  const opset = createProtoWriter().string(1, '').varint(2, opsetVersion);
  return createProtoWriter()
    .varint(1, IR_VERSION)
    .string(2, producer)
    .string(3, '1')
    .message(7, graph)
    .message(8, opset)
    .finish();
}
