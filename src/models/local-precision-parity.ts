/**
 * Parity between two precisions of one embedding model: embed the same fixed probe texts with
 * both and compare the vectors. An index built at one precision accepts queries embedded at
 * another only when every probe's cosine similarity reaches PARITY_MIN_COSINE.
 */

/**
 * Lowest cosine similarity between a probe's two embeddings for the precisions to count as one:
 * the bar (#24), well above what ranking can notice (neighbours of a 384-dimension
 * sentence model differ by far more than 0.001 in cosine).
 */
export const PARITY_MIN_COSINE = 0.999;

/**
 * Fixed probes of varied length and vocabulary (single words to long sentences): quantization
 * error grows with length and with rarer tokens, so both ends are covered.
 */
export const PARITY_PROBE_TEXTS: readonly string[] = [
  'water',
  'search index',
  'the team reports cost and price data for the city',
  'what is the answer to the question about water and energy in the city during winter',
  'A randomized trial of vitamin D supplementation found no reduction in the incidence of cancer or cardiovascular events among healthy adults.',
  'Protein folding, gene expression and cell signalling: the model was trained on abstracts from biomedical journals and tested on claims.',
  'model',
  'Retrieval augmented generation grounds an answer in passages retrieved from the documents, and cites them so a reader can check every claim.',
];

/** The outcome of a parity check. */
export interface PrecisionParity {
  /** The precision the index was built with. */
  reference: string;
  /** The precision being checked against it. */
  candidate: string;
  texts: number;
  minCosine: number;
  meanCosine: number;
  threshold: number;
  compatible: boolean;
}

/** Cosine similarity of two vectors (any norm). */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return dot / (Math.sqrt(normA * normB) || 1);
}

/** Compares two precisions' embeddings of the same texts. */
export function compareEmbeddings(reference: { dtype: string; vectors: Float32Array[] }, candidate: { dtype: string; vectors: Float32Array[] }, threshold = PARITY_MIN_COSINE): PrecisionParity {
  if (reference.vectors.length !== candidate.vectors.length || reference.vectors.length === 0) {
    throw new Error(`parity needs the same non-empty set of texts on both sides, got ${reference.vectors.length} and ${candidate.vectors.length}`);
  }
  const cosines = reference.vectors.map((vector, i) => cosineSimilarity(vector, candidate.vectors[i]!));
  const minCosine = Math.min(...cosines);
  return {
    reference: reference.dtype,
    candidate: candidate.dtype,
    texts: cosines.length,
    minCosine,
    meanCosine: cosines.reduce((sum, c) => sum + c, 0) / cosines.length,
    threshold,
    compatible: minCosine >= threshold,
  };
}
