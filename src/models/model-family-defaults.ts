/**
 * Known usage defaults per model family, matched on the model id. A model folder's
 * `groundwork.json` overrides these; unknown models get mean pooling and no prefixes.
 */
import type { ModelUsage } from './model-manifest.js';

/** BGE v1.5 English retrieval instruction (BAAI/bge-*-en-v1.5 model cards). */
const BGE_QUERY_INSTRUCTION = 'Represent this sentence for searching relevant passages: ';

interface FamilyDefault {
  pattern: RegExp;
  usage: ModelUsage;
}

/** Ordered: the first matching pattern wins. Sources: each family's model card. */
const FAMILY_DEFAULTS: readonly FamilyDefault[] = [
  // intfloat/e5-*: "query: " / "passage: " prefixes, mean pooling, 512 tokens.
  { pattern: /(^|\/)(multilingual-)?e5-/i, usage: { kind: 'embedder', pooling: 'mean', queryPrefix: 'query: ', documentPrefix: 'passage: ', maxInputTokens: 512 } },
  // BAAI/bge-*-en-v1.5: CLS pooling, query instruction, no passage prefix.
  { pattern: /bge-(small|base|large)-en/i, usage: { kind: 'embedder', pooling: 'cls', queryPrefix: BGE_QUERY_INSTRUCTION, maxInputTokens: 512 } },
  // BAAI/bge-m3 and bge-reranker are handled by their own entries below.
  { pattern: /bge-reranker/i, usage: { kind: 'reranker', maxInputTokens: 512 } },
  { pattern: /bge-m3/i, usage: { kind: 'embedder', pooling: 'cls', maxInputTokens: 8192 } },
  // Snowflake arctic-embed: CLS pooling with the BGE-style query instruction.
  { pattern: /snowflake-arctic-embed/i, usage: { kind: 'embedder', pooling: 'cls', queryPrefix: BGE_QUERY_INSTRUCTION, maxInputTokens: 512 } },
  // nomic-embed-text: task prefixes, mean pooling.
  { pattern: /nomic-embed-text/i, usage: { kind: 'embedder', pooling: 'mean', queryPrefix: 'search_query: ', documentPrefix: 'search_document: ', maxInputTokens: 8192 } },
  // sentence-transformers all-MiniLM-*: mean pooling; trained with max_seq_length 256.
  { pattern: /all-MiniLM-L(6|12)-v2/i, usage: { kind: 'embedder', pooling: 'mean', maxInputTokens: 256 } },
  // sentence-transformers all-mpnet-base-v2: mean pooling, max_seq_length 384.
  { pattern: /all-mpnet-base-v2/i, usage: { kind: 'embedder', pooling: 'mean', maxInputTokens: 384 } },
  { pattern: /(paraphrase|multi-qa)-/i, usage: { kind: 'embedder', pooling: 'mean' } },
  { pattern: /gte-(small|base|large)/i, usage: { kind: 'embedder', pooling: 'mean', maxInputTokens: 512 } },
  // cross-encoder/ms-marco-MiniLM-*: one-logit rerankers, 512 tokens.
  { pattern: /ms-marco-/i, usage: { kind: 'reranker', maxInputTokens: 512 } },
];

/** Usage defaults for a model id, or an empty object when the family is unknown. */
export function modelFamilyDefaults(modelId: string): ModelUsage {
  return FAMILY_DEFAULTS.find((entry) => entry.pattern.test(modelId))?.usage ?? {};
}
