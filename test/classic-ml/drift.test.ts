import { describe, expect, it } from 'vitest';
import {
  chiSquareSurvival, chiSquareTest, driftReport, jensenShannonDivergence, kolmogorovSmirnovTest, kolmogorovSurvival,
  normalQuantile, populationStabilityIndex,
} from '../../src/classic-ml/index.js';
import { referenceEdges } from '../../src/classic-ml/drift/reference-bins.js';
import { reference } from './reference-values.js';

describe('special functions against scipy', () => {
  it('normal quantile, chi-square and Kolmogorov survival', () => {
    for (const c of reference.normalQuantile) expect(normalQuantile(c.p)).toBeCloseTo(c.value, 10);
    for (const c of reference.chiSquareSurvival) expect(Math.abs(chiSquareSurvival(c.x, c.k) - c.value)).toBeLessThan(1e-12 + 1e-9 * c.value);
    for (const c of reference.kolmogorovSurvival) expect(kolmogorovSurvival(c.lambda)).toBeCloseTo(c.value, 10);
  });
});

describe('Kolmogorov-Smirnov', () => {
  it('matches scipy ks_2samp (exact for small samples, asymptotic within 5% for large)', () => {
    for (const c of reference.ks) {
      const r = kolmogorovSmirnovTest(c.reference, c.current);
      expect(r.statistic).toBeCloseTo(c.statistic, 12);
      expect(r.exact).toBe(c.mode === 'exact');
      if (c.mode === 'exact') expect(Math.abs(r.pValue - c.pValue)).toBeLessThan(1e-9 + 1e-7 * c.pValue);
      else expect(Math.abs(r.pValue - c.pValue) / c.pValue).toBeLessThan(0.05);
    }
  });
  it('identical samples give D = 0 and p = 1; disjoint ones p tiny', () => {
    expect(kolmogorovSmirnovTest([1, 2, 3], [1, 2, 3])).toMatchObject({ statistic: 0, pValue: 1 });
    // Disjoint samples of 5 and 5: p = 2 / C(10, 5) = 2/252.
    expect(kolmogorovSmirnovTest([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]).pValue).toBeCloseTo(2 / 252, 14);
  });
});

describe('PSI, JS and chi-square', () => {
  const d = reference.binnedDrift;
  it('PSI and JS match the documented numpy/scipy computation', () => {
    expect(referenceEdges(d.reference)).toEqual(d.edges.map((e: number) => expect.closeTo(e, 12)));
    expect(populationStabilityIndex(d.reference, d.current)).toBeCloseTo(d.psi, 12);
    expect(jensenShannonDivergence(d.reference, d.current)).toBeCloseTo(d.js, 12);
  });
  it('PSI by hand with an empty bin floored at 1e-4', () => {
    // Reference 1..10 -> deciles at 1.9, 2.8, ... ; current all 10 -> last bin share 1, others 0 -> floored.
    const ref = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const expected = 9 * (1e-4 - 0.1) * Math.log(1e-4 / 0.1) + (1 - 0.1) * Math.log(1 / 0.1);
    expect(populationStabilityIndex(ref, [10, 10, 10])).toBeCloseTo(expected, 12);
    expect(populationStabilityIndex(ref, ref)).toBe(0);
  });
  it('chi-square matches scipy chi2_contingency(correction=False)', () => {
    const r = chiSquareTest(reference.chi2.reference, reference.chi2.current);
    expect(r.statistic).toBeCloseTo(reference.chi2.statistic, 10);
    expect(r.pValue).toBeCloseTo(reference.chi2.pValue, 12);
    expect(r.degreesOfFreedom).toBe(reference.chi2.degreesOfFreedom);
    expect(() => chiSquareTest(['a', 'a'], ['a'])).toThrow(/single category/);
  });
  it('verdicts follow the playbook thresholds', () => {
    const ref = Array.from({ length: 1000 }, (_, i) => i / 1000);
    expect(driftReport(ref, ref, 'psi').verdict).toBe('none');
    expect(driftReport(ref, ref.map((v) => v + 0.07), 'psi')).toMatchObject({ verdict: 'warning', statistic: expect.closeTo(0.07 * Math.log(1 / 0.3) + 0.07 * Math.log(1.7), 2) });
    expect(driftReport(ref, ref.map((v) => v + 0.3), 'psi')).toMatchObject({ verdict: 'critical' });
    expect(driftReport(ref, ref.map((v) => v + 0.3), 'ks')).toMatchObject({ verdict: 'warning' });
    expect(driftReport(ref, ref, 'ks')).toMatchObject({ verdict: 'none', pValue: 1 });
    expect(() => driftReport(['a', 'b'], ['a'], 'psi')).toThrow(/reference: value at index 0 is string/);
    expect(() => driftReport([], [1], 'ks')).toThrow(/reference: is empty/);
  });
});
