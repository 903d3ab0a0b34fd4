import { describe, expect, it } from 'vitest';
import { createEstimatingCounter } from '../../../src/models/tokens/estimating-counter.js';
import { createTiktokenCounter } from '../../../src/models/tokens/tiktoken-counter.js';

describe('estimating token counter (the extractive answerer packs its context with it)', () => {
  it('counts characters / 4, rounded up', () => {
    const counter = createEstimatingCounter();
    expect(counter.count('')).toBe(0);
    expect(counter.count('hello world!')).toBe(3);
    expect(counter.count('abcde')).toBe(2);
  });

  it('is within a factor of 1.5 of o200k_base on English prose', () => {
    const text = 'Employees travelling overnight receive a flat per diem of EUR 60 per day for meals, covering breakfast, lunch and dinner. '.repeat(20);
    const exact = createTiktokenCounter('o200k_base');
    try {
      const ratio = createEstimatingCounter().count(text) / exact.count(text);
      expect(ratio).toBeGreaterThan(1 / 1.5);
      expect(ratio).toBeLessThan(1.5);
    } finally {
      exact.free();
    }
  });
});
