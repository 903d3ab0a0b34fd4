import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import type { ExperimentInput } from '../../src/eval/experiment-record.js';
import { createExperimentStore } from '../../src/eval/experiment-store.js';
import { resolveCodeVersion } from '../../src/eval/code-version.js';
import { mulberry32 } from '../../src/eval/prng.js';
import { driverCases } from '../helpers/db-drivers.js';

const cases = await driverCases('eval_experiments');
// Only this stage's migration: keeps the suite independent of other stages' schema work.
const MIGRATIONS = readMigrations().filter((m) => m.name === '0005_experiments.sql');

function input(shift: number, overrides: Partial<ExperimentInput> = {}): ExperimentInput {
  const random = mulberry32(7);
  const perQuery = Array.from({ length: 40 }, (_, i) => {
    const base = random();
    return { queryId: `q${i}`, metrics: { 'ndcg@10': Math.min(1, base + shift), 'recall@10': base }, details: { segment: i % 2 ? 'a' : 'b' } };
  });
  const mean = perQuery.reduce((s, r) => s + r.metrics['ndcg@10'], 0) / perQuery.length;
  return {
    hypothesis: 'smaller chunks help',
    dataset: { kind: 'golden', path: 'samples/golden.jsonl', hash: 'sha256:abc' },
    config: { retrieve: { mode: 'sparse', k: 10 }, chunker: { size: 256 } },
    codeVersion: 'git:0123456',
    metrics: { 'ndcg@10': { mean, lower: mean - 0.05, upper: mean + 0.05, n: 40 }, 'recall@10': { mean: 0.5, lower: 0.4, upper: 0.6, n: 40 } },
    counts: { evaluated: 40 },
    perQuery,
    createdAt: new Date('2025-03-04T10:00:00Z'),
    ...overrides,
  };
}

describe.each(cases)('experiment store: $name', (driver) => {
  // One database per driver (opening PGlite costs seconds); each test uses its own days.
  let db: Db;
  beforeAll(async () => {
    db = await driver.open();
    await migrate(db, MIGRATIONS);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('round-trips a record and numbers ids per day', async () => {
    const store = createExperimentStore(db);
    const created = await store.create(input(0));
    expect(created.id).toBe('EXP-2025-03-04-001');
    const loaded = await store.get(created.id);
    expect(loaded).toEqual({ ...created, tenant: 'default', verdict: 'iterate', hypothesis: 'smaller chunks help' });
    expect(loaded.perQuery.map((r) => r.queryId)).toEqual(Array.from({ length: 40 }, (_, i) => `q${i}`));
    expect(loaded.createdAt.toISOString()).toBe('2025-03-04T10:00:00.000Z');

    const second = await store.create(input(0.1, { baselineId: created.id }));
    expect(second.id).toBe('EXP-2025-03-04-002');
    expect((await store.create(input(0, { createdAt: new Date('2025-03-05T00:00:01Z') }))).id).toBe('EXP-2025-03-05-001');

    await store.setVerdict(second.id, 'promoted', 'clear win');
    const list = (await store.list()).filter((e) => e.id.startsWith('EXP-2025-03'));
    expect(list.map((e) => [e.id, e.verdict, e.queryCount])).toEqual([
      ['EXP-2025-03-05-001', 'iterate', 40],
      ['EXP-2025-03-04-002', 'promoted', 40],
      ['EXP-2025-03-04-001', 'iterate', 40],
    ]);
    expect(list[1].baselineId).toBe(created.id);
  });

  it('compares two experiments with a paired test over shared queries', async () => {
    const store = createExperimentStore(db);
    const day = { createdAt: new Date('2025-04-01T08:00:00Z') };
    const a = await store.create(input(0, day));
    const b = await store.create(input(0.1, day));
    const comparison = await store.compare(a.id, b.id, { resamples: 2000 });
    expect(comparison.queries).toBe(40);
    expect(comparison.metrics['ndcg@10'].meanDifference).toBeGreaterThan(0.05);
    expect(comparison.metrics['ndcg@10'].pValue).toBeLessThan(0.01);
    expect(comparison.metrics['recall@10'].pValue).toBe(1); // identical values
    const other = await store.create(input(0, { ...day, dataset: { kind: 'golden', path: 'x', hash: 'sha256:other' } }));
    await expect(store.compare(a.id, other.id)).rejects.toThrow(/different datasets/);
  });

  it('names bad input and missing experiments', async () => {
    const store = createExperimentStore(db);
    await expect(store.get('EXP-2025-01-01-001')).rejects.toThrow(/not found/);
    await expect(store.get('nope')).rejects.toThrow(/EXP-YYYY-MM-DD-NNN/);
    const day = { createdAt: new Date('2025-05-01T08:00:00Z') };
    await expect(store.create(input(0, { ...day, baselineId: 'EXP-2020-01-01-001' }))).rejects.toThrow(/baselineId: experiment EXP-2020-01-01-001 does not exist/);
    await expect(store.create({ ...input(0), codeVersion: '' })).rejects.toThrow(/experiment\.codeVersion/);
    // The failed create rolled back, so the counter did not advance.
    expect((await store.create(input(0, day))).id).toBe('EXP-2025-05-01-001');
  });
});

describe('resolveCodeVersion', () => {
  it('reports the git commit in a checkout and the package version elsewhere', async () => {
    expect(await resolveCodeVersion()).toMatch(/^git:[0-9a-f]{40}(-dirty)?$/);
    expect(await resolveCodeVersion('/')).toMatch(/^groundwork@\d+\.\d+\.\d+/);
  });
});
