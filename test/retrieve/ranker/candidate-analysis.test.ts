import { describe, expect, it } from 'vitest';
import { candidateCues, createCandidateAnalysisCache, packedHas } from '../../../src/retrieve/ranker/candidate-analysis.js';
import { createEnglishAnalyzer } from '../../../src/search-index/analyzer.js';

const analyzer = createEnglishAnalyzer();
const chunk = (chunkId: number, text: string, title = 'Bone health', headingPath: string[] = []) => ({ chunkId, text, title, headingPath });

describe('candidate analysis cache', () => {
  it('returns what analyzing returns, and shares the title array as the section when there is no heading path', () => {
    const cache = createCandidateAnalysisCache(analyzer, { maxBytes: 1 << 20 });
    const [plain, headed] = cache.analyzeAll([chunk(1, 'Vitamin D raises bone density.'), chunk(2, 'Calcium intake.', 'Bone health', ['Diet', 'Minerals'])]);
    expect(plain.body).toEqual(analyzer.terms('Vitamin D raises bone density.'));
    expect(plain.title).toEqual(analyzer.terms('Bone health'));
    expect(plain.section).toBe(plain.title);
    expect(headed.section).toEqual(analyzer.terms('Bone health Diet Minerals'));
    expect(headed.title).toBe(plain.title);
  });

  it('hits on the same chunk id, misses when its text length, title or heading path changed (chunk rows are immutable)', () => {
    const cache = createCandidateAnalysisCache(analyzer, { maxBytes: 1 << 20 });
    const first = cache.analyzeAll([chunk(1, 'alpha beta')])[0];
    expect(cache.analyzeAll([chunk(1, 'alpha beta')])[0]).toBe(first);
    expect(cache.analyzeAll([chunk(1, 'alpha gamma')])[0].body).toEqual(['alpha', 'gamma']);
    expect(cache.analyzeAll([chunk(1, 'alpha gamma', 'Other title')])[0].title).toEqual(['other', 'titl']);
    expect(cache.analyzeAll([chunk(1, 'alpha gamma', 'Other title', ['Part one'])])[0].section).toEqual(analyzer.terms('Other title Part one'));
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 1, misses: 4 });
  });

  it('stays under its byte bound, evicting the least recently used', () => {
    const texts = Array.from({ length: 20 }, (_, i) => `chunk ${i} ${'word '.repeat(50)}`);
    const one = createCandidateAnalysisCache(analyzer, { maxBytes: 1 << 20 });
    one.analyzeAll([chunk(0, texts[0])]);
    const perEntry = one.stats().bytes;
    const cache = createCandidateAnalysisCache(analyzer, { maxBytes: perEntry * 5 + 10 });
    cache.analyzeAll(texts.map((text, i) => chunk(i, text)));
    expect(cache.stats().entries).toBe(5);
    expect(cache.stats().bytes).toBeLessThanOrEqual(perEntry * 5 + 10);
    cache.analyzeAll([chunk(19, texts[19]), chunk(0, texts[0])]);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 21 });
    const none = createCandidateAnalysisCache(analyzer, { maxBytes: 0 });
    none.analyzeAll([chunk(1, 'alpha'), chunk(1, 'alpha')]);
    expect(none.stats()).toMatchObject({ entries: 0, bytes: 0, hits: 0 });
    expect(() => createCandidateAnalysisCache(analyzer, { maxBytes: -1 })).toThrow(/maxBytes/);
  });

  it('packs cues so that only whole words match', () => {
    const cues = candidateCues({ title: 'IL-6 study', headingPath: ['Results'], text: 'In 2010, BRCA1 carriers (n=1,200) ...' });
    expect(packedHas(cues.words, 'il-6')).toBe(true);
    expect(packedHas(cues.words, 'brca1')).toBe(true);
    expect(packedHas(cues.words, 'brca')).toBe(false);
    expect(packedHas(cues.words, 'results')).toBe(true);
    expect(packedHas(cues.numbers, '1,200')).toBe(true);
    expect(packedHas(cues.numbers, '200')).toBe(false);
    expect(packedHas(candidateCues({ title: '', headingPath: [], text: '' }).words, 'x')).toBe(false);
  });
});
