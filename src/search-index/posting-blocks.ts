import type { Queryable } from '../db/types.js';
import { digitList } from '../db/bytea-lists.js';
import type { DocumentAnalysis } from './document-analysis.js';

/** Chunks per posting block: keeps a row's arrays under 4 KB, stored uncompressed (migrations/0006). */
export const BLOCK_CHUNKS = 240;

/** A chunk's BM25 terms (chunk `chunk` of `analysis`) and the posting block it goes to. */
export interface BlockEntry {
  chunkId: number;
  blockId: number;
  analysis: DocumentAnalysis;
  chunk: number;
}

/**
 * Writes posting blocks: a row per (block, distinct term), holding that term's entries (chunk
 * ids ascending) as parallel arrays. The entries travel flattened in three array parameters and
 * each row takes its slice, so all blocks of a write are one statement.
 */
export async function writePostingBlocks(tx: Queryable, tenant: string, entries: BlockEntry[]): Promise<void> {
  const ordered = [...entries].sort((a, b) => a.chunkId - b.chunkId);
  // Two passes over the postings, filling flat typed arrays row by row: no key string, array or
  // object per posting (this function was a third of ingest's allocations on the main thread).
  // Pass 1: the rows (block, term) and their sizes.
  const rowIndex = new Map<number, Map<string, number>>();
  const terms: string[] = [];
  const blockIds: number[] = [];
  const counts: number[] = [];
  let total = 0;
  for (const { blockId, analysis, chunk } of ordered) {
    let inBlock = rowIndex.get(blockId);
    if (!inBlock) rowIndex.set(blockId, (inBlock = new Map()));
    for (let k = analysis.offsets[chunk]; k < analysis.offsets[chunk + 1]; k += 1) {
      const term = analysis.terms[analysis.termIds[k]];
      let row = inBlock.get(term);
      if (row === undefined) {
        row = terms.length;
        inBlock.set(term, row);
        terms.push(term);
        blockIds.push(blockId);
        counts.push(0);
      }
      counts[row] += 1;
      total += 1;
    }
  }
  if (terms.length === 0) return;
  const offsets = new Int32Array(terms.length);
  for (let row = 1; row < terms.length; row += 1) offsets[row] = offsets[row - 1] + counts[row - 1];
  // Pass 2: each row's entries in chunk-id order, with its largest tf and smallest length.
  const next = offsets.slice();
  const ids = new Float64Array(total);
  const tfs = new Int32Array(total);
  const dls = new Int32Array(total);
  const maxTf = new Int32Array(terms.length);
  const minDl = new Int32Array(terms.length).fill(0x7fffffff);
  for (const { chunkId, blockId, analysis, chunk } of ordered) {
    const inBlock = rowIndex.get(blockId)!;
    const termCount = analysis.termCounts[chunk];
    for (let k = analysis.offsets[chunk]; k < analysis.offsets[chunk + 1]; k += 1) {
      const tf = analysis.tfs[k];
      const row = inBlock.get(analysis.terms[analysis.termIds[k]])!;
      const at = next[row]++;
      ids[at] = chunkId;
      tfs[at] = tf;
      dls[at] = termCount;
      if (tf > maxTf[row]) maxTf[row] = tf;
      if (termCount < minDl[row]) minDl[row] = termCount;
    }
  }
  // The arrays travel as comma-separated ASCII digits in byte buffers (bytea), split by PostgreSQL:
  // the driver's per-element array quoting was a tenth of ingest's JavaScript time, and joining
  // numbers into strings made a string per number (a fifth of ingest's allocations). Terms hold
  // only letters, digits and apostrophes (the analyzer's tokens), never the unit separator used here.
  const list = (values: ArrayLike<number>): Buffer => digitList(values);
  // Rows go in term order (each carries its own offset into the entry arrays, so any order works):
  // consecutive inserts then land on neighbouring leaves of the (tenant, term, block_id) index.
  const order = Int32Array.from(terms.keys()).sort((a, b) => (terms[a] < terms[b] ? -1 : terms[a] > terms[b] ? 1 : blockIds[a] - blockIds[b]));
  const sorted = <T,>(values: ArrayLike<T>): T[] => Array.from(order, (row) => values[row]);
  // encode(..., 'escape') leaves ASCII digits and commas as they are, and is immutable (unlike
  // convert_from): the planner folds each split once, as it did for text parameters. A stable
  // function here is evaluated again for every row that slices the arrays (quadratic, measured).
  const split = (param: string, type: 'bigint' | 'int'): string => `string_to_array(encode(${param}::bytea, 'escape'), ',')::${type}[]`;
  await tx.query(
    `INSERT INTO posting_blocks (tenant, term, block_id, n, max_tf, min_dl, chunk_ids, tfs, dls)
     SELECT $1, b.term, b.block_id, b.n, b.max_tf, b.min_dl,
            ids[b.o + 1 : b.o + b.n], tfs[b.o + 1 : b.o + b.n], dls[b.o + 1 : b.o + b.n]
       FROM unnest(${split('$2', 'bigint')}, string_to_array($3, E'\\x1f'), ${split('$4', 'int')},
                   ${split('$5', 'int')}, ${split('$6', 'int')}, ${split('$7', 'int')}) AS b(block_id, term, o, n, max_tf, min_dl),
            (SELECT ${split('$8', 'bigint')} AS ids, ${split('$9', 'int')} AS tfs, ${split('$10', 'int')} AS dls) a`,
    [tenant, list(sorted(blockIds)), sorted(terms).join('\x1f'), list(sorted(offsets)), list(sorted(counts)), list(sorted(maxTf)), list(sorted(minDl)), list(ids), list(tfs), list(dls)],
  );
}

/**
 * Consecutive runs of entries (which come in block order) holding whole blocks and, together, at
 * most `postings` postings, unless one block alone holds more.
 */
export function blockGroups(entries: BlockEntry[], postings: number): BlockEntry[][] {
  const groups: BlockEntry[][] = [];
  let start = 0;
  let inGroup = 0;
  for (let i = 0; i < entries.length; ) {
    let end = i;
    let inBlock = 0;
    for (; end < entries.length && entries[end].blockId === entries[i].blockId; end += 1) {
      const { analysis, chunk } = entries[end];
      inBlock += analysis.offsets[chunk + 1] - analysis.offsets[chunk];
    }
    if (i > start && inGroup + inBlock > postings) {
      groups.push(entries.slice(start, i));
      start = i;
      inGroup = 0;
    }
    inGroup += inBlock;
    i = end;
  }
  if (entries.length > start) groups.push(entries.slice(start));
  return groups;
}
