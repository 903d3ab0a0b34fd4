import type { Chunker, LoadedDocument, ChunkDraft } from '../../src/ingest/types.js';

/** A test chunker: one chunk per document, or one per blank-line paragraph. */
export function wholeDocumentChunker(mode: 'document' | 'paragraph' = 'document'): Chunker {
  return {
    name: `test-${mode}`,
    chunk(document: LoadedDocument): ChunkDraft[] {
      if (mode === 'document') {
        return [{ ordinal: 0, text: document.text, tokenCount: document.text.split(/\s+/).length, headingPath: [], charStart: 0, charEnd: document.text.length, metadata: {} }];
      }
      const out: ChunkDraft[] = [];
      const re = /[^\n]+(?:\n[^\n]+)*/g;
      for (const m of document.text.matchAll(re)) {
        out.push({ ordinal: out.length, text: m[0], tokenCount: m[0].split(/\s+/).length, headingPath: [], charStart: m.index!, charEnd: m.index! + m[0].length, metadata: {} });
      }
      return out;
    },
  };
}

/** A LoadedDocument for tests. */
export function doc(externalId: string, text: string, extra: Partial<LoadedDocument> = {}): LoadedDocument {
  return { externalId, source: `/docs/${externalId}`, title: '', text, format: 'text', metadata: {}, ...extra };
}
