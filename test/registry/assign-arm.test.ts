import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types.js';
import { createArmResolver } from '../../src/registry/arm-resolver.js';
import { assignArm, bucketOf } from '../../src/registry/assign-arm.js';
import { startAbTest } from '../../src/registry/ab-test.js';
import type { RegistryStore } from '../../src/registry/registry-store.js';
import { openRegistry, readyEntry } from './registry-fixtures.js';

describe('assignment by a stable hash of tenant and unit', () => {
  const rollout = { id: 7, tenant: 'acme', treatmentShare: 0.3, controlEntryId: 1, treatmentEntryId: 2 };

  it('is sticky, splits by the share, and keeps everyone it moved when the share grows', () => {
    const units = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);
    const first = units.map((u) => assignArm(rollout, 'acme', u)!.arm);
    expect(units.map((u) => assignArm(rollout, 'acme', u)!.arm)).toEqual(first);
    const share = first.filter((arm) => arm === '2').length / units.length;
    expect(share).toBeGreaterThan(0.29);
    expect(share).toBeLessThan(0.31);
    const wider = { ...rollout, treatmentShare: 0.6 };
    units.forEach((u, i) => {
      if (first[i] === '2') expect(assignArm(wider, 'acme', u)!.arm).toBe('2');
    });
    expect(bucketOf(7, 'acme', 'user-1')).toBe(bucketOf(7, 'acme', 'user-1'));
  });

  it('never crosses tenants: another tenant is not assigned, and equal user ids of two tenants are independent', () => {
    expect(assignArm(rollout, 'other', 'user-1')).toBeUndefined();
    const units = Array.from({ length: 5000 }, (_, i) => `user-${i}`);
    const agree = units.filter((u) => bucketOf(7, 'acme', u) < 0.5 === bucketOf(7, 'beta', u) < 0.5).length / units.length;
    expect(agree).toBeGreaterThan(0.45);
    expect(agree).toBeLessThan(0.55);
  });
});

describe('the arm resolver (PGlite)', () => {
  let db: Db;
  let registry: RegistryStore;
  beforeAll(async () => {
    ({ db, registry } = await openRegistry({ name: 'pglite', open: async () => (await import('../../src/db/pglite-driver.js')).openPgliteDb({ dataDir: 'memory://' }) }));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('serves a tenant its own rollout only, sticky across resolvers (servers)', async () => {
    const control = await readyEntry(registry, 'acme', 'control', '1.0.0');
    const treatment = await readyEntry(registry, 'acme', 'treatment', '1.1.0');
    await readyEntry(registry, 'beta', 'own', '1.0.0');
    await startAbTest(registry, { tenant: 'acme', controlEntryId: control.id, treatmentEntryId: treatment.id, settings: { baselineRate: 0.5, minimumDetectableEffect: 0.1 } });
    const a = createArmResolver({ registry });
    const b = createArmResolver({ registry });
    const arms = new Set<string | undefined>();
    for (let i = 0; i < 200; i += 1) {
      const unit = `user-${i}`;
      const choice = await a.resolve('acme', unit);
      arms.add(choice.arm);
      expect((await b.resolve('acme', unit)).arm).toBe(choice.arm);
      expect(choice.entries.map((e) => e.id)).toEqual([Number(choice.arm)]);
      // The same user id in another tenant gets nothing of acme's test.
      const beta = await a.resolve('beta', unit);
      expect(beta.arm).toBeUndefined();
      expect(beta.entries).toEqual([]);
    }
    expect(arms).toEqual(new Set([String(control.id), String(treatment.id)]));
    expect(a.peek('acme', 'user-1')?.rolloutId).toBeDefined();
  });
});
