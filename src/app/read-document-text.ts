import type { Db } from '../db/types.js';

type ChunkSpan = { text: string; char_start: number; char_end: number };

/**
 * A document's text as indexed: its chunks in order, joined at their character offsets so that
 * overlapping chunks are not repeated. Undefined when the tenant has no such document.
 */
export async function readDocumentText(db: Db, tenant: string, documentId: number): Promise<{ title: string; source: string; externalId: string; text: string } | undefined> {
  const { rows: documents } = await db.query<{ title: string; source: string; external_id: string }>('SELECT title, source, external_id FROM documents WHERE tenant = $1 AND id = $2', [tenant, documentId]);
  if (documents.length === 0) return undefined;
  const { rows } = await db.query<ChunkSpan>('SELECT text, char_start, char_end FROM chunks WHERE tenant = $1 AND document_id = $2 ORDER BY ordinal', [tenant, documentId]);
  let text = '';
  let end = 0;
  for (const chunk of rows) {
    if (text === '' || chunk.char_start >= end) {
      text += text === '' ? chunk.text : `${chunk.char_start > end ? '\n\n' : ''}${chunk.text}`;
    } else {
      // Overlap: keep only what this chunk adds past the text already written.
      text += chunk.text.slice(Math.min(chunk.text.length, end - chunk.char_start));
    }
    end = Math.max(end, chunk.char_end);
  }
  return { title: documents[0].title, source: documents[0].source, externalId: documents[0].external_id, text };
}
