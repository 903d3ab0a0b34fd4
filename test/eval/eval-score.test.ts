import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalOptionsSchema } from '../../src/eval/eval-options.js';
import { evalScore } from '../../src/eval/eval-score.js';

describe('evalScore', () => {
  it('scores a TREC run against BEIR qrels into the --json document', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gw-score-'));
    await writeFile(join(dir, 'run.trec'), 'q1 Q0 d1 1 3 t\nq1 Q0 d2 2 2 t\nq1 Q0 d3 3 1 t\nq2 Q0 d9 1 1 t\nq2 Q0 d4 2 0.5 t\n');
    await writeFile(join(dir, 'qrels.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td3\t1\nq1\td5\t1\nq2\td4\t1\nq3\tdx\t0\n');
    const doc = await evalScore({ runFile: join(dir, 'run.trec'), qrelsFile: join(dir, 'qrels.tsv'), k: 3, resamples: 500 });
    expect(doc.k).toBe(3);
    expect(doc.counts).toEqual({ evaluated: 2, skippedNoRelevant: 1, missingFromRun: 0, notInQrels: 0 });
    expect(doc.metrics['mrr@3'].mean).toBeCloseTo((1 + 0.5) / 2, 10);
    expect(doc.metrics['mrr@3'].n).toBe(2);
    expect(doc.perQuery).toEqual([
      expect.objectContaining({ queryId: 'q1', 'recall@3': 2 / 3 }),
      expect.objectContaining({ queryId: 'q2', 'recall@3': 1, 'precision@3': 1 / 3 }),
    ]);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    await expect(evalScore({ runFile: join(dir, 'missing.trec'), qrelsFile: join(dir, 'qrels.tsv') })).rejects.toThrow(/ENOENT|missing\.trec/);
  });

  it('eval options have defaults and name bad keys', () => {
    expect(evalOptionsSchema.parse({})).toMatchObject({ k: 10, seed: 42, resamples: 10_000, missingQueries: 'zero', judgeRepeats: 3 });
    expect(() => evalOptionsSchema.parse({ k: 0 })).toThrow(/k/);
  });
});
