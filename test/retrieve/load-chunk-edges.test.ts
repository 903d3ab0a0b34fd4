import { afterAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { loadChunkEdges } from '../../src/retrieve/load-chunk-edges.js';

// One long paragraph in fixed 16-token chunks without overlap: chunk boundaries fall inside sentences.
const SENTENCES = [
  'The Ashgrove Library was founded in 1921 by the town council after a long public campaign.',
  'Members of the Ashgrove Library may borrow up to eight books at a time from any branch in the county network.',
  'Loans last three weeks and can be renewed twice online or at the desk.',
  'Late returns cost twenty pence a day, capped at five pounds per item.',
];
const TEXT = SENTENCES.join(' ');

const open: Groundwork[] = [];
afterAll(async () => {
  for (const gw of open) await gw.close();
});

async function library(): Promise<Groundwork> {
  const gw = await createGroundwork({
    config: { dataDir: 'memory://', tenant: 'town', ingest: { chunker: 'fixed', chunkSize: 16, chunkOverlap: 0 }, cache: { enabled: false } },
    useEnvironment: false,
  });
  open.push(gw);
  await gw.ingest([{ document: { externalId: 'lending.txt', source: 'lending.txt', title: 'Lending rules', text: TEXT, format: 'text', metadata: {} } }]);
  return gw;
}

describe('loadChunkEdges (PGlite)', () => {
  it('reads the document text around each chunk from its neighbours', async () => {
    const gw = await library();
    const { rows } = await gw.db.query<{ id: number; ordinal: number; text: string; char_start: number }>('SELECT id, ordinal, text, char_start FROM chunks ORDER BY ordinal');
    expect(rows.length).toBeGreaterThan(3);
    const chunks = rows.map((row) => ({
      chunkId: Number(row.id), documentId: 0, externalId: 'lending.txt', documentVersion: 1, source: 'lending.txt', title: 'Lending rules',
      text: row.text, ordinal: row.ordinal, headingPath: [], metadata: {}, score: 1, scores: {},
    }));
    const withEdges = await loadChunkEdges(gw.db, 'town', chunks);
    expect(withEdges[0].edges?.before).toBe('');
    expect(withEdges.at(-1)?.edges?.after).toBe('');
    for (const [index, chunk] of withEdges.entries()) {
      const start = rows[index].char_start;
      expect(TEXT.slice(0, start).endsWith(chunk.edges?.before ?? '<missing>')).toBe(true);
      expect(TEXT.slice(start + chunk.text.length).startsWith(chunk.edges?.after ?? '<missing>')).toBe(true);
    }
    expect(await loadChunkEdges(gw.db, 'other-tenant', chunks)).toEqual(chunks);
  });

  it('ask quotes a sentence that a chunk boundary cuts as the whole sentence', async () => {
    const gw = await library();
    const { rows } = await gw.db.query<{ text: string }>('SELECT text FROM chunks ORDER BY ordinal');
    // The answer sentence is split over chunks (the precondition of this test).
    expect(rows.every((row) => !row.text.includes(SENTENCES[1]))).toBe(true);
    const result = await gw.ask({ question: 'How many books may Ashgrove Library members borrow at a time?' });
    expect(result.refused).toBe(false);
    expect(result.citations[0].quote).toBe(SENTENCES[1]);
    expect(result.answer).toContain(`"${SENTENCES[1]}"`);
  });
});

describe('loadChunkEdges over Markdown sections (PGlite)', () => {
  it('reads a blank line the Markdown chunker leaves between sections as a paragraph break', async () => {
    const gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'town', ingest: { chunkSize: 24, chunkOverlap: 0 } }, useEnvironment: false });
    open.push(gw);
    const text = '# Rules\n\nMembers may borrow up to eight books at a time from any branch.\n\n## Fines\n\nLate returns cost twenty pence a day, capped at five pounds per item.';
    await gw.ingest([{ document: { externalId: 'rules.md', source: 'rules.md', title: 'Rules', text, format: 'markdown', metadata: {} } }]);
    const { rows } = await gw.db.query<{ id: number; ordinal: number; text: string; char_start: number; char_end: number }>('SELECT id, ordinal, text, char_start, char_end FROM chunks ORDER BY ordinal');
    expect(rows.length).toBeGreaterThan(1);
    expect(rows[1].char_start).toBeGreaterThan(rows[0].char_end); // the chunker left the blank line out
    const chunks = rows.map((row) => ({
      chunkId: Number(row.id), documentId: 0, externalId: 'rules.md', documentVersion: 1, source: 'rules.md', title: 'Rules',
      text: row.text, ordinal: row.ordinal, headingPath: [], metadata: {}, score: 1, scores: {},
    }));
    const [first, second] = await loadChunkEdges(gw.db, 'town', chunks);
    expect(first.edges).toEqual({ before: '', after: `\n\n${rows[1].text}` });
    expect(second.edges?.before).toBe(`${rows[0].text}\n\n`);
  });
});
