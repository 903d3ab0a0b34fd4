import type { Db } from '../db/types.js';
import type { ChunkEdges, RetrievedChunk } from './types.js';

/** Characters of neighbouring text kept per side: enough for the longest sentence worth quoting. */
export const CHUNK_EDGE_CHARS = 1500;

/**
 * A gap this small between two chunks is the blank line between Markdown blocks, which chunkers
 * drop at a block boundary (a sentence does not run across it); a larger gap leaves the edge unknown.
 */
const MAX_BLANK_GAP = 4;

interface EdgeRow {
  id: number;
  char_start: number;
  char_end: number;
  own_length: number;
  side: number | null;
  text: string | null;
  n_start: number | null;
  n_end: number | null;
}

/**
 * The document text around each chunk (`ChunkEdges`), read from its neighbouring chunks (ordinal
 * -1 and +1) with their character offsets, in one statement. A side is '' at the document's start
 * or end and undefined when it cannot be trusted: the chunk's or the neighbour's text is not the
 * document text between its offsets (a chunker that rewrites text), or the chunks leave a gap
 * wider than a blank line.
 * @example const withEdges = await loadChunkEdges(db, 'acme', retrieval.chunks)
 */
export async function loadChunkEdges(db: Db, tenant: string, chunks: readonly RetrievedChunk[]): Promise<RetrievedChunk[]> {
  if (chunks.length === 0) return [];
  const { rows } = await db.query<EdgeRow>(
    `SELECT c.id, c.char_start, c.char_end, length(c.text) AS own_length,
            n.ordinal - c.ordinal AS side, n.text, n.char_start AS n_start, n.char_end AS n_end
       FROM chunks c
       LEFT JOIN chunks n ON n.document_id = c.document_id AND n.ordinal IN (c.ordinal - 1, c.ordinal + 1)
      WHERE c.tenant = $1 AND c.id = ANY($2::bigint[])`,
    [tenant, [...new Set(chunks.map((chunk) => chunk.chunkId))]],
    { name: 'gw_load_chunk_edges' },
  );
  const edges = new Map<number, ChunkEdges & { trusted: boolean; start: number; end: number }>();
  for (const row of rows) {
    const id = Number(row.id);
    const entry = edges.get(id) ?? { trusted: row.own_length === row.char_end - row.char_start, start: row.char_start, end: row.char_end };
    edges.set(id, entry);
    if (row.side === null || row.text === null || row.n_start === null || row.n_end === null) continue;
    const faithful = row.text.length === row.n_end - row.n_start;
    if (!faithful) continue;
    if (row.side < 0 && row.n_start <= row.char_start) {
      const gap = row.char_start - row.n_end;
      if (gap <= 0) entry.before = row.text.slice(Math.max(0, row.char_start - row.n_start - CHUNK_EDGE_CHARS), row.char_start - row.n_start);
      // The blank line between two blocks that the Markdown chunker leaves out: a paragraph break.
      else if (gap <= MAX_BLANK_GAP) entry.before = `${row.text.slice(-CHUNK_EDGE_CHARS)}\n\n`;
    } else if (row.side > 0 && row.n_end >= row.char_end) {
      const gap = row.n_start - row.char_end;
      if (gap <= 0) entry.after = row.text.slice(row.char_end - row.n_start, row.char_end - row.n_start + CHUNK_EDGE_CHARS);
      else if (gap <= MAX_BLANK_GAP) entry.after = `\n\n${row.text.slice(0, CHUNK_EDGE_CHARS)}`;
    }
  }
  return chunks.map((chunk) => {
    const entry = edges.get(chunk.chunkId);
    if (!entry?.trusted) return chunk;
    const hasPrevious = rows.some((row) => Number(row.id) === chunk.chunkId && row.side !== null && row.side < 0);
    const hasNext = rows.some((row) => Number(row.id) === chunk.chunkId && row.side !== null && row.side > 0);
    const before = entry.before ?? (!hasPrevious && entry.start === 0 ? '' : undefined);
    // Without a next chunk, the chunk ends the document.
    const after = entry.after ?? (!hasNext ? '' : undefined);
    return { ...chunk, edges: { ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) } };
  });
}
