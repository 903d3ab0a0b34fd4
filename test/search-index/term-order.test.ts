import { describe, expect, it } from 'vitest';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { analyzeWrite, chunkTerms, packAnalysis } from '../../src/search-index/document-analysis.js';
import { encodeTermOrder, TERM_ORDER_NARROW, TERM_ORDER_WIDE, termOrderIndexes } from '../../src/search-index/term-order.js';

/** The terms in order, as the ranker reads them (stored-terms.ts). */
const decodeTermOrder = (distinct: readonly string[], stored: Uint8Array) => Array.from(termOrderIndexes(distinct.length, stored), (i) => distinct[i]);

const analyzer = createEnglishAnalyzer();

describe('chunk term order (chunks.term_order)', () => {
  it('round-trips each chunk\'s text terms through the chunk\'s own term list, title terms first in the list', () => {
    const analysis = analyzeWrite(
      { document: { title: 'Bone health report' }, chunks: [{ text: 'Vitamin D raises bone density; bone loss slows.' }, { text: '' }, { text: 'Health of the bone, again bone.' }] },
      analyzer,
      1,
    );
    analysis.termCounts.forEach((_, c) => {
      const stored = encodeTermOrder(analysis, c)!;
      expect(stored[0]).toBe(TERM_ORDER_NARROW);
      const text = ['Vitamin D raises bone density; bone loss slows.', '', 'Health of the bone, again bone.'][c];
      expect(decodeTermOrder(chunkTerms(analysis, c), stored)).toEqual(analyzer.terms(text));
    });
    // The list starts with the title's terms (as chunks.terms stores it); the order indexes into it.
    expect(chunkTerms(analysis, 0).slice(0, 3)).toEqual(['bone', 'health', 'report']);
    expect([...encodeTermOrder(analysis, 0)!.subarray(1)]).toEqual([3, 4, 5, 0, 6, 0, 7, 8]);
  });

  it('uses two bytes an index past 255 distinct terms, and stores nothing past 65,536 or for counts without an order', () => {
    const words = Array.from({ length: 300 }, (_, i) => `w${i}x`);
    const wide = analyzeWrite({ document: {}, chunks: [{ text: words.join(' ') }] }, analyzer, 1);
    const stored = encodeTermOrder(wide, 0)!;
    expect(stored[0]).toBe(TERM_ORDER_WIDE);
    expect(stored.length).toBe(1 + 2 * 300);
    expect(decodeTermOrder(chunkTerms(wide, 0), stored)).toEqual(analyzer.terms(words.join(' ')));

    const huge = Array.from({ length: 70_000 }, (_, i) => `t${i}`);
    const tooMany = packAnalysis([{ frequencies: new Map(huge.map((t) => [t, 1])), termCount: huge.length, sequence: huge }]);
    expect(encodeTermOrder(tooMany, 0)).toBeNull();
    const countsOnly = packAnalysis([{ frequencies: new Map([['a', 2]]), termCount: 2 }]);
    expect(encodeTermOrder(countsOnly, 0)).toBeNull();
    expect(() => packAnalysis([{ frequencies: new Map([['a', 1]]), termCount: 1, sequence: ['b'] }])).toThrow(/sequence holds "b"/);
  });

  it('refuses a malformed stored value instead of returning wrong terms', () => {
    expect(() => decodeTermOrder(['a'], Uint8Array.from([3, 0]))).toThrow(/unknown format 3/);
    expect(() => decodeTermOrder(['a'], Uint8Array.from([TERM_ORDER_WIDE, 0]))).toThrow(/whole number/);
    expect(() => decodeTermOrder(['a'], Uint8Array.from([TERM_ORDER_NARROW, 1]))).toThrow(/index 1 past/);
    expect(decodeTermOrder([], Uint8Array.from([TERM_ORDER_NARROW]))).toEqual([]);
  });
});
