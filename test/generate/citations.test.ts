import { describe, expect, it } from 'vitest';
import { contextDocument } from '../../src/generate/pack-context.js';
import { parseCitationMarkers } from '../../src/generate/parse-citation-markers.js';
import { resolveCitations } from '../../src/generate/resolve-citations.js';
import { chunk, RETURNS, WARRANTY } from './chunk-fixtures.js';

const WARRANTY_PAGE_5 = chunk(4, 'Battery packs are covered for one year only. Chargers carry a 90-day warranty.', {
  title: WARRANTY.title,
  source: WARRANTY.source,
  externalId: WARRANTY.externalId,
  documentId: WARRANTY.documentId,
  page: 5,
});
const context = [WARRANTY, RETURNS, WARRANTY_PAGE_5].map((item, index) => contextDocument(item, item.text, index + 1, 'fence', false));

describe('parseCitationMarkers', () => {
  it('reads single, multiple, page-less and page-range markers', () => {
    const markers = parseCitationMarkers('A [Source: Acme Warranty Guide, page 4]. B [source: Returns Policy]. C [Source: X, p. 3; Source: Y, pages 7-9]. D [Source: Report, 2024, page 2]');
    expect(markers.map(({ name, page, part }) => ({ name, page, part }))).toEqual([
      { name: 'Acme Warranty Guide', page: 4, part: 0 },
      { name: 'Returns Policy', page: undefined, part: 0 },
      { name: 'X', page: 3, part: 0 },
      { name: 'Y', page: 7, part: 1 },
      { name: 'Report, 2024', page: 2, part: 0 },
    ]);
  });
});

describe('resolveCitations', () => {
  it('resolves markers to the chunk in context with ids, page and the quoted spans', () => {
    const answer = 'The drill has a two-year limited warranty [Source: Acme Warranty Guide, page 4]. Refunds go to the original payment method. [Source: Returns Policy]';
    const resolved = resolveCitations(answer, context);
    expect(resolved.dropped).toEqual([]);
    expect(resolved.answer).toBe(answer);
    expect(resolved.citations).toEqual([
      {
        marker: '[Source: Acme Warranty Guide, page 4]',
        documentId: WARRANTY.documentId,
        chunkId: WARRANTY.chunkId,
        externalId: WARRANTY.externalId,
        source: 'manuals/warranty.pdf',
        title: 'Acme Warranty Guide',
        page: 4,
        contextIndex: 1,
        answerSpan: 'The drill has a two-year limited warranty.',
        quote: 'The Acme X200 drill comes with a two-year limited warranty.',
      },
      {
        marker: '[Source: Returns Policy]',
        documentId: RETURNS.documentId,
        chunkId: RETURNS.chunkId,
        externalId: RETURNS.externalId,
        source: 'policies/returns.md',
        title: 'Returns Policy',
        page: undefined,
        contextIndex: 2,
        // The marker opens a sentence after the period: it supports the sentence before it.
        answerSpan: 'Refunds go to the original payment method.',
        quote: 'Refunds are issued to the original payment method.',
      },
    ]);
  });

  it('drops and counts citations to unknown sources or pages not in context, and removes them from the answer', () => {
    const answer = 'Two years [Source: Acme Warranty Guide, page 4]. The CEO is Jane [Source: Company Wiki, page 1]. Tools are free [Source: Acme Warranty Guide, page 9].';
    const resolved = resolveCitations(answer, context);
    expect(resolved.citations.map((citation) => citation.chunkId)).toEqual([WARRANTY.chunkId]);
    expect(resolved.dropped).toEqual([
      { marker: '[Source: Company Wiki, page 1]', reason: 'unknown-source' },
      { marker: '[Source: Acme Warranty Guide, page 9]', reason: 'page-not-in-context' },
    ]);
    expect(resolved.answer).toBe('Two years [Source: Acme Warranty Guide, page 4]. The CEO is Jane. Tools are free.');
  });

  it('keeps the valid part of a bracket with several references', () => {
    const resolved = resolveCitations('Batteries get one year [Source: Made Up, page 2; Source: Acme Warranty Guide, page 5].', context);
    expect(resolved.answer).toBe('Batteries get one year [Source: Acme Warranty Guide, page 5].');
    expect(resolved.citations).toHaveLength(1);
    expect(resolved.citations[0]).toMatchObject({ chunkId: WARRANTY_PAGE_5.chunkId, page: 5, quote: 'Battery packs are covered for one year only.' });
    expect(resolved.dropped).toHaveLength(1);
  });

  it('matches by file name too, case-insensitively, and picks the page the citation names', () => {
    const resolved = resolveCitations('Chargers have 90 days [source: warranty.pdf, page 5].', context);
    expect(resolved.citations.map((citation) => [citation.chunkId, citation.page])).toEqual([[WARRANTY_PAGE_5.chunkId, 5]]);
  });
});

describe('resolveCitations quotes whole sentences', () => {
  const cutChunk = chunk(7, 'Members may borrow up to eight books', { title: 'Lending rules', edges: { before: 'Loans last three weeks. ', after: ' at a time from any branch. Fines apply.' } });

  it('completes a quoted sentence that the chunk boundary cuts from the chunk edges', () => {
    const resolved = resolveCitations('Members may borrow eight books [Source: Lending rules].', [contextDocument(cutChunk, cutChunk.text, 1, 'fence', false)]);
    expect(resolved.citations[0].quote).toBe('Members may borrow up to eight books at a time from any branch.');
  });

  it('marks the cut with an ellipsis when the text given was itself cut to fit the budget', () => {
    const resolved = resolveCitations('Members may borrow eight books [Source: Lending rules].', [contextDocument(cutChunk, cutChunk.text, 1, 'fence', true)]);
    expect(resolved.citations[0].quote).toBe('Members may borrow up to eight books …');
  });
});
