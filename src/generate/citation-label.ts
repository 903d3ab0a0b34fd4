/** What a citation label is built from: a chunk's document title, source and page. */
export interface CitableSource {
  title: string;
  source: string;
  page?: number;
}

/** The name a citation uses: the title, or the file when the document has no title. */
export function citationName(chunk: CitableSource): string {
  const name = chunk.title.trim() || chunk.source.trim();
  // Brackets and line breaks would end or break the marker; they never help identify a document.
  return name.replace(/[[\]\r\n]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The citation marker for a chunk: `[Source: <title or file>, page N]`, or `[Source: <title or file>]`
 * for documents without pages (Markdown, plain text).
 * @example citationLabel({ title: 'Handbook', source: 'hb.pdf', page: 3 }) // '[Source: Handbook, page 3]'
 */
export function citationLabel(chunk: CitableSource): string {
  const name = citationName(chunk);
  return chunk.page === undefined ? `[Source: ${name}]` : `[Source: ${name}, page ${chunk.page}]`;
}
