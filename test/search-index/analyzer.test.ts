import { describe, expect, it } from 'vitest';
import { createEnglishAnalyzer, foldLatinDiacritics } from '../../src/search-index/analyzer.js';

describe('the English analyzer', () => {
  const analyzer = createEnglishAnalyzer();

  it('folds Latin diacritics, so a question typed without accents matches the accented text', () => {
    expect(analyzer.terms('Beyoncé performed in São Paulo')).toEqual(analyzer.terms('Beyonce performed in Sao Paulo'));
    expect(analyzer.terms('naïve café Zürich')).toEqual(['naiv', 'cafe', 'zurich']);
    expect(foldLatinDiacritics('plain ascii')).toBe('plain ascii');
  });

  it('keeps other scripts whole: combining marks stay in their word', () => {
    expect(analyzer.terms('हिन्दी किताब')).toEqual(['हिन्दी', 'किताब']);
    expect(analyzer.terms('Ωμέγα')).toEqual(['ωμέγα']);
  });

  it('still strips possessives, drops stop words and stems', () => {
    expect(analyzer.terms("The company's employees are running")).toEqual(['compani', 'employe', 'run']);
  });
});
