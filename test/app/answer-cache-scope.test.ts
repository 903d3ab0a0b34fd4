import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ANSWERABILITY_MODEL_PATH } from '../../src/generate/answerability-model.js';
import { createGroundwork } from '../../src/groundwork.js';

const ROOT = join(import.meta.dirname, '..', '..');
const QUESTION = 'How much is the per diem for meals when travelling overnight?';

describe('the answer cache is scoped by the answer-or-refuse model itself', { timeout: 120_000 }, () => {
  let dir: string;
  let modelA: string;
  let modelB: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gw-cache-scope-'));
    const model = JSON.parse(await readFile(DEFAULT_ANSWERABILITY_MODEL_PATH, 'utf8'));
    modelA = join(dir, 'a.json');
    modelB = join(dir, 'b.json');
    await writeFile(modelA, JSON.stringify(model));
    // The same file name and settings, retrained: one weight differs.
    model.model.intercept = (model.model.intercept ?? 0) + 1e-6;
    await writeFile(modelB, JSON.stringify(model));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const open = (model: string) =>
    createGroundwork({ config: { dataDir: join(dir, 'data'), tenant: 'samples', retrieve: { mode: 'sparse' }, generate: { answerability: { model } } }, useEnvironment: false });

  it('serves a cached answer to the same model, not to a retrained one at the same path', async () => {
    const first = await open(modelA);
    try {
      await first.ingest([join(ROOT, 'samples', 'corpus', 'travel-and-expense-policy.md')]);
      expect((await first.ask({ question: QUESTION })).cache.hit).toBe(false);
      expect((await first.ask({ question: QUESTION })).cache.hit).toBe(true);
    } finally {
      await first.close();
    }
    await writeFile(modelA, await readFile(modelB, 'utf8'));
    const retrained = await open(modelA);
    try {
      expect((await retrained.ask({ question: QUESTION })).cache.hit).toBe(false);
    } finally {
      await retrained.close();
    }
  });
});
