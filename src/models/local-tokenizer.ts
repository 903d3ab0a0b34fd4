/**
 * Wraps a Transformers.js tokenizer for the local embedder and reranker: encodes without padding,
 * truncates at the model limit the way Hugging Face tokenizers do (cutting text tokens, keeping
 * the special tokens; Transformers.js's own truncation drops the final [SEP]), and pads batches.
 */
import { AutoTokenizer } from '@huggingface/transformers';
import type { PaddedBatch } from './local-session.js';

/** One encoded input: ids plus segment ids (zeros when the tokenizer has none). */
export interface EncodedInput {
  inputIds: number[];
  tokenTypeIds: number[];
  truncated: boolean;
}

/** The slice of the Transformers.js tokenizer API used here. */
interface TransformersTokenizer {
  pad_token_id?: number;
  model_max_length?: number;
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  (text: string, options: { text_pair?: string; return_tensor: false }): { input_ids: number[]; token_type_ids?: number[] };
}

/** Model-limited tokenizer with HF-style truncation. */
export interface LocalTokenizer {
  readonly padTokenId: number;
  /** Encodes one text (special tokens included), truncating to `maxTokens`. */
  encode(text: string, maxTokens: number): EncodedInput;
  /** Encodes a (query, passage) pair, cutting the passage first, then the query. */
  encodePair(query: string, passage: string, maxTokens: number): EncodedInput;
  /** Token count with special tokens, without truncation. */
  count(text: string): number;
}

/** Start of `segment` inside `ids`, searching from the front or the back; -1 when absent. */
function findSegment(ids: readonly number[], segment: readonly number[], from: 'start' | 'end'): number {
  const last = ids.length - segment.length;
  const matches = (start: number): boolean => segment.every((id, k) => ids[start + k] === id);
  if (from === 'start') {
    for (let start = 0; start <= last; start++) if (matches(start)) return start;
  } else {
    for (let start = last; start >= 0; start--) if (matches(start)) return start;
  }
  return -1;
}

/** Removes the last `count` tokens of the segment at `start` (of length `length`) from ids and type ids. */
function cutSegment(input: EncodedInput, start: number, length: number, count: number): void {
  input.inputIds.splice(start + length - count, count);
  input.tokenTypeIds.splice(start + length - count, count);
  input.truncated = true;
}

/** Loads the tokenizer of a local model folder (no network). */
export async function loadLocalTokenizer(modelDir: string): Promise<LocalTokenizer> {
  const tokenizer = (await AutoTokenizer.from_pretrained(modelDir, { local_files_only: true })) as unknown as TransformersTokenizer;
  const encodeRaw = (text: string, pair?: string): EncodedInput => {
    const encoded = tokenizer(text, pair === undefined ? { return_tensor: false } : { text_pair: pair, return_tensor: false });
    return { inputIds: [...encoded.input_ids], tokenTypeIds: encoded.token_type_ids ? [...encoded.token_type_ids] : encoded.input_ids.map(() => 0), truncated: false };
  };
  return {
    padTokenId: tokenizer.pad_token_id ?? 0,
    count: (text) => tokenizer.encode(text).length,
    encode(text, maxTokens) {
      const input = encodeRaw(text);
      const overflow = input.inputIds.length - maxTokens;
      if (overflow <= 0) return input;
      const content = tokenizer.encode(text, { add_special_tokens: false });
      const start = findSegment(input.inputIds, content, 'start');
      if (start < 0 || content.length < overflow) throw new Error(`cannot truncate a ${input.inputIds.length}-token input to ${maxTokens} tokens`);
      cutSegment(input, start, content.length, overflow);
      return input;
    },
    encodePair(query, passage, maxTokens) {
      const input = encodeRaw(query, passage);
      let overflow = input.inputIds.length - maxTokens;
      if (overflow <= 0) return input;
      const passageIds = tokenizer.encode(passage, { add_special_tokens: false });
      const passageStart = findSegment(input.inputIds, passageIds, 'end');
      const passageCut = Math.min(overflow, passageIds.length);
      if (passageStart >= 0) {
        cutSegment(input, passageStart, passageIds.length, passageCut);
        overflow -= passageCut;
      }
      if (overflow > 0) {
        const queryIds = tokenizer.encode(query, { add_special_tokens: false });
        const queryStart = findSegment(input.inputIds, queryIds, 'start');
        if (queryStart < 0 || queryIds.length < overflow) throw new Error(`cannot truncate a query/passage pair to ${maxTokens} tokens`);
        cutSegment(input, queryStart, queryIds.length, overflow);
      }
      return input;
    },
  };
}

/** Right-pads a batch into int64 rows (input ids, attention mask, segment ids) of its longest input's length. */
export function padBatch(inputs: readonly EncodedInput[], padTokenId: number): PaddedBatch {
  const length = Math.max(...inputs.map((input) => input.inputIds.length));
  const size = inputs.length * length;
  const ids = new BigInt64Array(size).fill(BigInt(padTokenId));
  const mask = new BigInt64Array(size);
  const types = new BigInt64Array(size);
  inputs.forEach((input, row) => {
    input.inputIds.forEach((id, column) => {
      ids[row * length + column] = BigInt(id);
      mask[row * length + column] = 1n;
      types[row * length + column] = BigInt(input.tokenTypeIds[column] ?? 0);
    });
  });
  return { ids, mask, types, rows: inputs.length, length, tokens: inputs.map((input) => input.inputIds.length) };
}
