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
}

/** Packs per-chunk term frequencies and lengths (in chunk order). */
export function packAnalysis(chunks: Array<{ frequencies: Map<string, number>; termCount: number }>): DocumentAnalysis {
  const dictionary = new Map<string, number>();
  const terms: string[] = [];
  let entries = 0;
  for (const chunk of chunks) entries += chunk.frequencies.size;
  const offsets = new Int32Array(chunks.length + 1);
  const termIds = new Int32Array(entries);
  const tfs = new Int32Array(entries);
  const termCounts = new Int32Array(chunks.length);
  let at = 0;
  chunks.forEach((chunk, c) => {
    offsets[c] = at;
    termCounts[c] = chunk.termCount;
    chunk.frequencies.forEach((tf, term) => {
      let id = dictionary.get(term);
      if (id === undefined) {
        id = terms.length;
        dictionary.set(term, id);
        terms.push(term);
      }
      termIds[at] = id;
      tfs[at] = tf;
      at += 1;
    });
  });
  offsets[chunks.length] = at;
  return { terms, offsets, termIds, tfs, termCounts };
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
      return { frequencies, termCount: analyzer.termFrequencies(chunk.text, frequencies).length + titleLength };
    }),
  );
}
