import { describe, expect, it } from 'vitest';
import { bootstrapCI } from '../../src/eval/bootstrap-ci.js';
import { pairedTest } from '../../src/eval/paired-test.js';
import { mulberry32 } from '../../src/eval/prng.js';
import { segmentBreakdown } from '../../src/eval/segment-breakdown.js';

function sample(n: number, seed: number, shift = 0): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, () => random() + shift);
}

describe('mulberry32', () => {
  it('is deterministic per seed and spreads over [0, 1)', () => {
    expect(sample(5, 7)).toEqual(sample(5, 7));
    expect(sample(5, 7)).not.toEqual(sample(5, 8));
    const values = sample(10_000, 1);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(values.reduce((a, b) => a + b, 0) / values.length).toBeCloseTo(0.5, 1);
  });
});

describe('bootstrapCI', () => {
  it('is reproducible under a seed and changes with the seed', () => {
    const values = sample(50, 3);
    expect(bootstrapCI(values, { seed: 11 })).toEqual(bootstrapCI(values, { seed: 11 }));
    expect(bootstrapCI(values, { seed: 11 }).lower).not.toBe(bootstrapCI(values, { seed: 12 }).lower);
  });

  it('brackets the mean and narrows as n grows (about 1/sqrt(n))', () => {
    const small = bootstrapCI(sample(25, 5), { resamples: 2000 });
    const large = bootstrapCI(sample(400, 5), { resamples: 2000 });
    expect(small.lower).toBeLessThan(small.mean);
    expect(small.upper).toBeGreaterThan(small.mean);
    const ratio = (small.upper - small.lower) / (large.upper - large.lower);
    expect(ratio).toBeGreaterThan(2.5); // sqrt(400/25) = 4
    expect(ratio).toBeLessThan(6);
    // Uniform(0,1): sd = 0.2887; 95% half-width at n=400 is about 1.96 * 0.2887 / 20 = 0.0283.
    expect((large.upper - large.lower) / 2).toBeCloseTo(0.0283, 2);
  });

  it('constant values give a zero-width interval; bad input is named', () => {
    expect(bootstrapCI([0.5, 0.5, 0.5])).toMatchObject({ mean: 0.5, lower: 0.5, upper: 0.5, n: 3 });
    expect(() => bootstrapCI([])).toThrow(/values: cannot bootstrap an empty sample/);
    expect(() => bootstrapCI([1, Number.NaN])).toThrow(/values\[1\]/);
    expect(() => bootstrapCI([1], { confidence: 1.5 })).toThrow(/confidence/);
  });
});

describe('pairedTest', () => {
  it('finds a planted difference', () => {
    const a = sample(100, 21);
    const noise = sample(100, 22, -0.5);
    const b = a.map((value, i) => value + 0.08 + 0.2 * noise[i]);
    const result = pairedTest(a, b, { resamples: 5000 });
    expect(result.meanDifference).toBeCloseTo(0.08 + 0.2 * (noise.reduce((s, v) => s + v, 0) / 100), 10);
    expect(result.pValue).toBeLessThan(0.01);
    expect(result.lower).toBeGreaterThan(0);
    expect(result.upper).toBeGreaterThan(result.lower);
  });

  it('does not find a null one: false positive rate near 5% over many null pairs', () => {
    let significant = 0;
    const trials = 40;
    for (let t = 0; t < trials; t += 1) {
      const a = sample(60, 1000 + t);
      const b = a.map((value, i) => value + (sample(60, 5000 + t, -0.5)[i] ?? 0) * 0.3);
      const result = pairedTest(a, b, { resamples: 1000, seed: t });
      if (result.pValue < 0.05) significant += 1;
    }
    expect(significant).toBeLessThanOrEqual(6); // binomial(40, 0.05): P(X > 6) < 0.5%
  });

  it('identical runs give p = 1 and a zero interval; mismatched lengths are rejected', () => {
    const a = sample(30, 9);
    const result = pairedTest(a, a, { resamples: 500 });
    expect(result.pValue).toBe(1);
    expect(result.lower).toBe(0);
    expect(result.upper).toBe(0);
    expect(() => pairedTest([1, 2], [1])).toThrow(/same length/);
  });
});

describe('segmentBreakdown', () => {
  it('groups rows by a metadata field and bootstraps each metric', () => {
    const rows = [
      { metrics: { f1: 1 }, segment: 'numeric' },
      { metrics: { f1: 0 }, segment: 'numeric' },
      { metrics: { f1: 0.5 }, segment: 'factual' },
      { metrics: { f1: 0.25 }, segment: undefined },
    ];
    const stats = segmentBreakdown(rows, (row) => row.segment, ['f1'], { resamples: 200 });
    expect(stats.map((s) => [s.segment, s.n, s.metrics.f1.mean])).toEqual([
      ['(none)', 1, 0.25],
      ['factual', 1, 0.5],
      ['numeric', 2, 0.5],
    ]);
  });
});
