import { afterAll, describe, expect, it } from 'vitest';
import { createMarkdownChunker } from '../../../src/ingest/chunkers/markdown-chunker.js';
import { createTiktokenCounter } from '../../../src/models/tokens/tiktoken-counter.js';
import type { ChunkDraft, LoadedDocument } from '../../../src/ingest/types.js';

const tokenCounter = createTiktokenCounter('cl100k_base');
afterAll(() => tokenCounter.free());

const doc = (text: string, extra: Partial<LoadedDocument> = {}): LoadedDocument => ({
  externalId: 'guide.md', source: 'guide.md', title: 'Guide', text, format: 'markdown', metadata: {}, ...extra,
});
const body = (chunk: ChunkDraft) =>
  chunk.text.slice(Number(chunk.metadata.syntheticPrefixLength ?? 0), chunk.text.length - Number(chunk.metadata.syntheticSuffixLength ?? 0));

describe('markdown chunker', () => {
  it('puts the heading path, outermost first, on every chunk', async () => {
    const text = '# Guide\n\nIntro.\n\n## Install\n\nRun it.\n\n### On Linux\n\nUse apt.\n\n## Usage\n\nCall it.';
    const chunks = await createMarkdownChunker({ maxTokens: 100, tokenCounter }).chunk(doc(text));
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([['Guide'], ['Guide', 'Install'], ['Guide', 'Install', 'On Linux'], ['Guide', 'Usage']]);
    expect(chunks[2].text).toBe('### On Linux\n\nUse apt.');
  });

  it('keeps table rows whole and repeats the header in every continued piece', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `| item ${i} | ${'word '.repeat(i % 7)}| ${i * 3} |`);
    const text = `## Prices\n\n| name | description | price |\n| --- | --- | ---: |\n${rows.join('\n')}`;
    const chunks = await createMarkdownChunker({ maxTokens: 90, tokenCounter }).chunk(doc(text));
    expect(chunks.length).toBeGreaterThan(3);
    const seen: string[] = [];
    for (const [index, chunk] of chunks.entries()) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(90);
      const lines = chunk.text.split('\n');
      const tableLines = index === 0 ? lines.slice(2) : lines;
      expect(tableLines[0]).toBe('| name | description | price |');
      expect(tableLines[1]).toBe('| --- | --- | ---: |');
      for (const line of tableLines.slice(2)) {
        expect(rows).toContain(line); // a whole row, never a fragment
        seen.push(line);
      }
      if (index > 0) expect(chunk.metadata.continuedTable).toBe(true);
    }
    expect(seen).toEqual(rows);
  });

  it('keeps a code fence whole when it fits', async () => {
    const fence = '```ts\nconst a = 1;\n\nconst b = 2;\n```';
    const text = `# Code\n\nSome words before.\n\n${fence}\n\nAfter.`;
    const chunks = await createMarkdownChunker({ maxTokens: 40, tokenCounter }).chunk(doc(text));
    expect(chunks.filter((chunk) => chunk.text.includes('const a'))[0].text).toContain(fence);
  });

  it('splits a fence larger than the limit at line boundaries, reopening it with its language', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `  result_${i} = compute(${i}, "value")`);
    const text = `## Script\n\n\`\`\`python\n${lines.join('\n')}\n\`\`\``;
    const chunks = await createMarkdownChunker({ maxTokens: 80, tokenCounter }).chunk(doc(text));
    expect(chunks.length).toBeGreaterThan(3);
    const seen: string[] = [];
    for (const [index, chunk] of chunks.entries()) {
      const chunkLines = chunk.text.split('\n');
      const fenceAt = index === 0 ? 2 : 0; // the first piece carries the heading
      expect(chunkLines[fenceAt]).toBe('```python');
      expect(chunkLines[chunkLines.length - 1]).toBe('```');
      for (const line of chunkLines.slice(fenceAt + 1, -1)) {
        expect(lines).toContain(line);
        seen.push(line);
      }
      expect(chunk.metadata.codeLanguage).toBe('python');
    }
    expect(seen).toEqual(lines);
  });

  it('carries page numbers from loader sections and never crosses pages', async () => {
    const page1 = 'First page text about rivers.';
    const page2 = 'Second page text about mountains.';
    const text = `${page1}\n\n${page2}`;
    const chunks = await createMarkdownChunker({ maxTokens: 200, tokenCounter }).chunk(
      doc(text, { format: 'text', sections: [{ text: page1, page: 1 }, { text: page2, page: 2 }] }),
    );
    expect(chunks.map((chunk) => [chunk.page, chunk.text])).toEqual([[1, page1], [2, page2]]);
    expect(chunks[1].charStart).toBe(page1.length + 2);
  });

  it('rejects sections that are not slices of the text', () => {
    const chunker = createMarkdownChunker({ maxTokens: 200, tokenCounter });
    expect(() => chunker.chunk(doc('abc', { sections: [{ text: 'xyz' }] }))).toThrow(/sections\[0\]/);
  });

  it('gives offsets that index the document text', async () => {
    const text = '# A\n\nalpha beta.\n\n# B\n\ngamma delta.';
    for (const chunk of await createMarkdownChunker({ maxTokens: 100, tokenCounter }).chunk(doc(text))) {
      expect(text.slice(chunk.charStart, chunk.charEnd)).toBe(body(chunk));
    }
  });
});
