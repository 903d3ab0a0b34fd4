import { describe, expect, it } from 'vitest';
import { calibrate, parseCachePairs } from '../../src/cache/index.js';
import { createBagOfWordsEmbedder } from './helpers.js';

const pairs = parseCachePairs(
  [
    { a: 'Does the Pro plan include audit logs?', b: 'Does the Pro plan include the audit logs?', same: true, kind: 'paraphrase' },
    { a: 'Is travel insurance covered?', b: 'Is travel insurance not covered?', same: false, kind: 'negation' },
    { a: 'Is the limit 5 GB?', b: 'Is the limit 5 TB?', same: false, kind: 'number' },
    { a: 'What is the dress code?', b: 'How do I rotate API keys?', same: false, kind: 'unrelated' },
  ].map((p) => JSON.stringify(p)).join('\n'),
);

describe('calibrate', () => {
  it('reports guard rejections per pair and per kind, and says plainly that thresholds need an embedder', async () => {
    const report = await calibrate({ pairs, targetPrecision: 0.99 });
    expect(report.thresholds).toEqual([]);
    expect(report.chosen).toBeNull();
    expect(report.note).toMatch(/need an embedding model/);
    expect(report.guards.pairs.map((p) => p.rejected)).toEqual([false, true, true, false]);
    expect(report.guards.pairs[1].reasons[0]).toMatchObject({ guard: 'negation', code: 'negation.polarity' });
    expect(report.guards.rejectedByKind.negation).toEqual({ rejected: 1, total: 1, rate: 1 });
    expect(report.guards.meaningChangingRejected).toBe(1);
    expect(report.guards.paraphrasesRejected).toBe(0);
  });

  it('with an embedder, reports precision, recall and hit rate per threshold and picks the lowest meeting the target', async () => {
    const report = await calibrate({ pairs, embedder: createBagOfWordsEmbedder(), targetPrecision: 0.99 });
    expect(report.thresholds).toHaveLength(50);
    const low = report.thresholds[0];
    expect(low.threshold).toBe(0.5);
    // Guards remove the negation and number pairs, so only the paraphrase can be served at high similarity.
    const chosen = report.thresholds.find((t) => t.threshold === report.chosen)!;
    expect(chosen.precision).toBeGreaterThanOrEqual(0.99);
    expect(chosen.recall).toBe(1);
    expect(report.thresholds.every((t) => t.served <= pairs.length)).toBe(true);
    expect(report.guards.pairs.every((p) => typeof p.similarity === 'number')).toBe(true);
  });

  it('names the line and field of a bad pair', () => {
    expect(() => parseCachePairs('{"a":"x","b":"y","same":true}\n{"a":"x","same":true}', 'p.jsonl')).toThrow(/p\.jsonl:2\.b/);
    expect(() => parseCachePairs('{"a":"x","b":"y","same":"yes"}', 'p.jsonl')).toThrow(/p\.jsonl:1\.same/);
  });
});
