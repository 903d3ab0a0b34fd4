import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { classicMlTools, findTool, runTool } from '../../src/classic-ml/classic-ml-tools.js';
import { readToolExample, toolExamplePath } from '../../src/classic-ml/tool-examples.js';
import { MAX_BOOSTING_WORK, MAX_ESTIMATORS, MAX_TREE_DEPTH, toolLimits } from '../../src/classic-ml/tool-limits.js';
import { createToolPool } from '../../src/classic-ml/tool-pool.js';
import type { ToolProgress } from '../../src/classic-ml/tool-run-context.js';
import { GroundworkError, InputError } from '../../src/errors.js';

/** A deterministic numeric matrix with a learnable label. */
function boostingInput(rows: number, columns: number, options: Record<string, unknown>) {
  const X = Array.from({ length: rows }, (_, i) => Array.from({ length: columns }, (_, j) => (i * 7 + j * 13 + ((i * j) % 11)) % 97));
  return { model: 'gradient-boosting', X, y: X.map((row) => (row[0] + row[1] > 97 ? 1 : 0)), options };
}

describe('tool samples', () => {
  it('every tool has a sample under samples/tools that runs through runTool', async () => {
    for (const tool of classicMlTools) {
      const text = readToolExample(tool.name);
      expect(readFileSync(toolExamplePath(tool.name), 'utf8')).toBe(text);
      await expect(runTool(tool, JSON.parse(text)), tool.name).resolves.toBeDefined();
    }
  });
});

describe('tool caps', () => {
  it('reject over-cap input with an InputError naming the field, the size and the cap', async () => {
    const train = findTool('train');
    const trees = runTool(train, boostingInput(50, 4, { nEstimators: MAX_ESTIMATORS + 1 }));
    await expect(trees).rejects.toBeInstanceOf(InputError);
    await expect(trees).rejects.toMatchObject({ field: 'options.nEstimators', details: { value: MAX_ESTIMATORS + 1, limit: MAX_ESTIMATORS } });
    await expect(runTool(train, boostingInput(50, 4, { maxDepth: 16 }))).rejects.toThrow(`options.maxDepth: 16 levels, over the limit of ${MAX_TREE_DEPTH} levels per run`);
    // The job: 5,000 x 40 with 5,000 trees (here under the tree cap, over the work cap).
    await expect(runTool(train, boostingInput(5000, 40, { nEstimators: 1000 }))).rejects.toThrow(/options.nEstimators: 200000 cells x 1000 trees = 200,000,000 cell-trees, over the limit of 50,000,000/);
    await expect(runTool(findTool('drift'), { reference: new Array(200_001).fill(1), current: [1], method: 'ks' })).rejects.toMatchObject({ field: 'reference' });
    await expect(runTool(findTool('classification-metrics'), { yTrue: new Array(10_000).fill(1), yScore: new Array(10_000).fill(0.5), bootstrap: { iterations: 1000 } })).rejects.toMatchObject({ field: 'bootstrap.iterations' });
    expect(toolLimits(train)).toMatchObject({ MAX_ESTIMATORS, MAX_TREE_DEPTH, MAX_BOOSTING_WORK });
  });
});

describe('createToolPool', () => {
  const pool = createToolPool({ workers: 1, queueLimit: 1, timeoutMs: 1500 });
  afterAll(() => pool.close());

  it('runs a tool in a worker and reports gradient-boosting progress', async () => {
    const roomy = createToolPool({ workers: 1 });
    onTestFinished(() => roomy.close());
    const progress: ToolProgress[] = [];
    const output = (await roomy.run(findTool('train'), boostingInput(300, 5, { nEstimators: 30, maxDepth: 3, minSamplesLeaf: 5 }), { onProgress: (p) => progress.push(p) })) as { model: { trees: unknown[] } };
    expect(output.model.trees).toHaveLength(30);
    expect(progress.at(-1)).toEqual({ done: 30, total: 30, unit: 'trees' });
    await expect(roomy.run(findTool('drift'), { reference: [1], current: [1], method: 'kl' })).rejects.toBeInstanceOf(InputError);
  });

  it('stops a run past its time limit and replaces the worker', async () => {
    const before = pool.stats();
    const started = Date.now();
    // ~8 s of fitting on an idle machine.
    const long = pool.run(findTool('train'), boostingInput(4000, 40, { nEstimators: 300, maxDepth: 12 }));
    const queued = pool.run(findTool('drift'), { reference: [1, 2], current: [2, 3], method: 'ks' });
    void queued.catch(() => undefined); // settled below; an early failure must not leave it unhandled
    // One worker busy, one run waiting (queueLimit 1): the next is refused, with when to retry.
    const refused = await pool.run(findTool('drift'), { reference: [1], current: [2], method: 'ks' }).catch((error: GroundworkError) => error);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', details: { workers: 1, queued: 1 } });
    expect((refused as GroundworkError).details?.retryAfterSeconds).toBeOneOf([1, 2]); // the running fit's limit is 1.5 s away
    expect(() => pool.checkCapacity()).toThrow(/all 1 tool workers are busy and 1 runs are waiting/);
    await expect(long).rejects.toMatchObject({ code: 'TIMEOUT', details: { timeoutMs: 1500 } });
    expect(Date.now() - started).toBeLessThan(6000);
    await expect(queued).resolves.toMatchObject({ method: 'ks' }); // the waiting run got the fresh worker
    expect(pool.stats()).toMatchObject({ busy: 0, queued: 0, stopped: before.stopped + 1, started: before.started + 2 }); // the first worker and its successor
  });
});
