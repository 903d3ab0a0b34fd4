import { describe, expect, it } from 'vitest';
import { createCandidateAnalysisCache, cueParts, hasNumberCue, hasWordCue } from '../../../src/retrieve/ranker/candidate-analysis.js';
import { createEnglishAnalyzer } from '../../../src/search-index/analyzer.js';

const analyzer = createEnglishAnalyzer();
const chunk = (chunkId: number, text: string, title = 'Bone health', headingPath: string[] = []) => ({ chunkId, text, title, headingPath });

describe('candidate analysis cache', () => {
  it('returns what analyzing returns, and shares the title array as the section when there is no heading path', () => {
    const cache = createCandidateAnalysisCache(analyzer, { maxBytes: 1 << 20 });
    const [plain, headed] = cache.analyzeAll([chunk(1, 'Vitamin D raises bone density.'), chunk(2, 'Calcium intake.', 'Bone health', ['Diet', 'Minerals'])]);
    expect(plain.body).toEqual(analyzer.terms('Vitamin D raises bone density.'));
    expect(plain.title).toEqual(analyzer.terms('Bone health'));
    expect(plain.sectionIds).toBe(plain.titleIds);
    expect(headed.section).toEqual(analyzer.terms('Bone health Diet Minerals'));
    expect(headed.titleIds).toBe(plain.titleIds);
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

  it('finds a cue exactly where collecting the text\'s WORD and NUMBER matches would hold it', () => {
    const WORD = /[\p{L}\p{N}][\p{L}\p{N}-]*/gu;
    const NUMBER = /\d+(?:[.,]\d+)*/g;
    const texts = [
      'In 2010, BRCA1 carriers (n=1,200) ...', ' -il-6 and x--IL-6', 'IL-6-mediated', 'pre- and post-IL-6', 'the 1.2.3 release, 3.5x, .5 and 5.',
      '1..5 and 1,,2', 'β-catenin/TCF', 'Straße STRASSE', '٣ arabic digits 12', 'Il-6', '-il-6-', 'a il-6', '12.5%', '2010s', 'x2010',
      '𝐀il-6 and il-6𝐀 (mathematical letters)', '2,5.6,7 and 5,6', ',5 6. 6,', 'd-d d', 'ad d-', 'd- -d',
    ];
    const cues = ['d', 'd-', 'il-6', 'brca1', 'brca', 'x', 'and', 'β-catenin', 'catenin', 'tcf', 'release', '5x', 'post-il-6', 'il-6-mediated', 'straße', '2010s', 'x2010'];
    const numbers = ['2010', '1,200', '200', '1.2.3', '1.2', '3.5', '5', '1', '12.5', '12', '2', '6'];
    for (const text of texts) {
      const chunk = { text, title: 'Report', headingPath: ['Part 7'] };
      const raw = `${chunk.title} ${chunk.headingPath.join(' ')} ${text}`;
      const words = new Set(raw.toLowerCase().match(WORD));
      const found = new Set(raw.match(NUMBER));
      for (const cue of [...cues, 'report', 'part', '7']) expect(cueParts(chunk, true).some((part) => hasWordCue(part, cue)), `${cue} in ${text}`).toBe(words.has(cue));
      for (const number of [...numbers, '7']) expect(cueParts(chunk, false).some((part) => hasNumberCue(part, number)), `${number} in ${text}`).toBe(found.has(number));
    }
  });

  it('takes a miss\'s text terms from the stored ones when given, and lists what it does not hold', () => {
    const cache = createCandidateAnalysisCache(analyzer, { maxBytes: 1 << 20 });
    cache.analyzeAll([chunk(1, 'alpha beta')]);
    expect(cache.missing([chunk(1, 'alpha beta'), chunk(2, 'gamma'), chunk(1, 'alpha betas')])).toEqual([2, 1]);
    const [held, fromStore] = cache.analyzeAll([chunk(1, 'alpha beta'), chunk(2, 'gamma')], new Map([[2, { distinct: ['gamma'], order: Int32Array.from([0]) }], [1, { distinct: ['never', 'read'], order: Int32Array.from([0, 1]) }]]));
    expect(held.body).toEqual(['alpha', 'beta']);
    expect(fromStore.body).toEqual(['gamma']);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, stored: 1 });
  });

  it('starts a new dictionary once the dictionary passes half the budget; analyses of one call share one dictionary', () => {
    const cache = createCandidateAnalysisCache(analyzer, { maxBytes: 64 * 1024 });
    const first = cache.analyzeAll([chunk(1, 'alpha beta')])[0];
    const words = Array.from({ length: 600 }, (_, i) => `word${i}x`).join(' ');
    const [big, again] = cache.analyzeAll([chunk(2, words), chunk(1, 'alpha beta')]);
    expect(again).toBe(first);
    expect(big.dictionary).toBe(first.dictionary);
    expect(cache.stats().dictionaryTerms).toBeGreaterThan(400);
    const [fresh] = cache.analyzeAll([chunk(1, 'alpha beta')]);
    expect(fresh.dictionary).not.toBe(first.dictionary);
    expect(fresh.body).toEqual(['alpha', 'beta']);
    expect(cache.stats()).toMatchObject({ entries: 1, dictionaryTerms: 4 });
  });
});
