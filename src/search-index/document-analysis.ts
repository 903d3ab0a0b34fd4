import type { Analyzer } from './analyzer.js';

/**
 * A document's BM25 analysis, packed: its distinct terms once, and flat integer arrays for the
 * chunks' postings. Prepare workers send it back with the arrays' memory transferred, not copied:
 * a Map per chunk, rebuilt on the main thread by the structured clone, was 60% of what the main
 * thread's old generation collected during ingest (sampled on 100 MB), and set its peak.
 */
export interface DocumentAnalysis {
  /** Distinct terms of the document's chunks (title terms included). */
  terms: string[];
  /** Chunk c's postings are entries offsets[c] to offsets[c + 1] - 1 (length: chunks + 1). */
  offsets: Int32Array;
  /** Per entry: the index of its term in `terms`. */
  termIds: Int32Array;
  /** Per entry: the term's frequency in the chunk (title terms titleWeight times). */
  tfs: Int32Array;
  /** Per chunk: its BM25 length (terms counted, title terms included). */
  termCounts: Int32Array;
  /**
   * Chunk c's text terms in order (the learned ranker's proximity and bigram features read them,
   * src/retrieve/ranker/stored-terms.ts) are entries orderOffsets[c] to orderOffsets[c + 1] - 1 of
   * `order`, each the index of its term among the chunk's own terms as chunkTerms lists them. A
   * chunk whose terms were given without their order (counts only) has an empty range and
   * `ordered[c]` 0.
   */
  orderOffsets: Int32Array;
  order: Int32Array;
  ordered: Uint8Array;
}

/** One chunk's analysis as packAnalysis takes it: counts (in the order first counted), length, and the text's terms in order when known. */
export interface ChunkAnalysisInput {
  frequencies: Map<string, number>;
  termCount: number;
  sequence?: readonly string[];
}

/** Packs per-chunk term frequencies and lengths (in chunk order). */
export function packAnalysis(chunks: ChunkAnalysisInput[]): DocumentAnalysis {
  const dictionary = new Map<string, number>();
  const terms: string[] = [];
  let entries = 0;
  let positions = 0;
  for (const chunk of chunks) {
    entries += chunk.frequencies.size;
    positions += chunk.sequence?.length ?? 0;
  }
  const offsets = new Int32Array(chunks.length + 1);
  const termIds = new Int32Array(entries);
  const tfs = new Int32Array(entries);
  const termCounts = new Int32Array(chunks.length);
  const orderOffsets = new Int32Array(chunks.length + 1);
  const order = new Int32Array(positions);
  const ordered = new Uint8Array(chunks.length);
  let at = 0;
  let position = 0;
  chunks.forEach((chunk, c) => {
    offsets[c] = at;
    orderOffsets[c] = position;
    termCounts[c] = chunk.termCount;
    // The chunk's own index of each term: its place among the chunk's entries (chunkTerms' order).
    const local = chunk.sequence ? new Map<string, number>() : undefined;
    chunk.frequencies.forEach((tf, term) => {
      let id = dictionary.get(term);
      if (id === undefined) {
        id = terms.length;
        dictionary.set(term, id);
        terms.push(term);
      }
      local?.set(term, at - offsets[c]);
      termIds[at] = id;
      tfs[at] = tf;
      at += 1;
    });
    if (chunk.sequence && local) {
      ordered[c] = 1;
      for (const term of chunk.sequence) {
        const index = local.get(term);
        if (index === undefined) throw new Error(`packAnalysis: chunk ${c}'s sequence holds ${JSON.stringify(term)}, which its counts lack`);
        order[position++] = index;
      }
    }
  });
  offsets[chunks.length] = at;
  orderOffsets[chunks.length] = position;
  return { terms, offsets, termIds, tfs, termCounts, orderOffsets, order, ordered };
}

/** Chunk `chunk`'s terms, in the order they were counted. */
export function chunkTerms(analysis: DocumentAnalysis, chunk: number): string[] {
  const out: string[] = [];
  for (let k = analysis.offsets[chunk]; k < analysis.offsets[chunk + 1]; k += 1) out.push(analysis.terms[analysis.termIds[k]]);
  return out;
}

/** Analyzes a document's chunks for BM25: title terms count in every chunk, titleWeight times ("flat" BM25 over title + text). */
export function analyzeWrite(write: { document: { title?: string }; chunks: ReadonlyArray<{ text: string }> }, analyzer: Analyzer, titleWeight: number): DocumentAnalysis {
  const titleTerms = titleWeight > 0 && write.document.title ? analyzer.termFrequencies(write.document.title).frequencies : new Map<string, number>();
  let titleLength = 0;
  for (const tf of titleTerms.values()) titleLength += tf * titleWeight;
  return packAnalysis(
    write.chunks.map((chunk) => {
      const frequencies = new Map<string, number>();
      for (const [term, tf] of titleTerms) frequencies.set(term, tf * titleWeight);
      const sequence = analyzer.terms(chunk.text);
      for (const term of sequence) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
      return { frequencies, termCount: sequence.length + titleLength, sequence };
    }),
  );
}
