import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/types.js';
import { GroundworkError } from '../../src/errors.js';
import { promoteEntry, rollbackKind } from '../../src/registry/promote-entry.js';
import type { RegistryStore } from '../../src/registry/registry-store.js';
import { rolloutEvents, runningRollout } from '../../src/registry/rollout-store.js';
import { applyOverrides } from '../../src/registry/config-overrides.js';
import { parseConfig } from '../../src/config/load-config.js';
import { driverCases } from '../helpers/db-drivers.js';
import { openRegistry, readyEntry } from './registry-fixtures.js';

const drivers = await driverCases('registry_store');

describe.each(drivers)('registry entries and promotion criteria on $name', (driver) => {
  let db: Db;
  let registry: RegistryStore;
  beforeAll(async () => {
    ({ db, registry } = await openRegistry(driver));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('registers versioned entries with their links, and refuses what the config schema refuses', async () => {
    const entry = await registry.register({
      tenant: 'acme',
      kind: 'answer-config',
      name: 'hybrid-rerank',
      version: '1.0.0',
      overrides: { retrieve: { mode: 'sparse', k1: 1.2 }, generate: { refusalThreshold: 0.2 } },
      experimentIds: ['EXP-2026-12-07-001'],
      modelCardPath: 'cards/hybrid.md',
      datasetHashes: { golden: 'sha256:abc' },
      codeVersion: 'git:deadbeef',
    });
    expect(entry).toMatchObject({ tenant: 'acme', kind: 'answer-config', stage: 'dev', experimentIds: ['EXP-2026-12-07-001'], datasetHashes: { golden: 'sha256:abc' }, codeVersion: 'git:deadbeef' });
    expect(await registry.get(entry.id)).toEqual(entry);
    expect(await registry.history(entry)).toMatchObject([{ fromStage: 'none', toStage: 'dev', actor: 'register' }]);
    const bad = (overrides: unknown) => registry.register({ tenant: 'acme', kind: 'answer-config', name: 'bad', version: '1.0.0', overrides, codeVersion: 'x' });
    await expect(bad({ retrieve: { mode: 'psychic' } })).rejects.toThrow(/overrides\.retrieve\.mode/);
    await expect(bad({ retrieve: { nope: 1 } })).rejects.toThrow(/overrides\.retrieve\.nope/);
    await expect(bad({ dataDir: '/tmp' })).rejects.toThrow(/overrides\.dataDir: is not a section/);
    await expect(bad(undefined)).rejects.toThrow(/needs its config overrides/);
    await expect(registry.register({ tenant: 'acme', kind: 'answer-config', name: 'v', version: '1.0', overrides: {}, codeVersion: 'x' })).rejects.toThrow(/MAJOR\.MINOR\.PATCH/);
    await expect(registry.register({ tenant: 'bad tenant', kind: 'answer-config', name: 'v', version: '1.0.0', overrides: {}, codeVersion: 'x' })).rejects.toThrow(/tenant/);
    await expect(registry.register({ tenant: 'acme', kind: 'answer-config', name: 'hybrid-rerank', version: '1.0.0', overrides: {}, codeVersion: 'x' })).rejects.toThrow(/already registered/);
    // A learned artifact's overrides follow from its path.
    const model = await registry.register({ tenant: '*', kind: 'answerability-model', name: 'answerability', version: '1.0.0', artifactPath: '/models/a.json', codeVersion: 'x' });
    expect(model.overrides).toEqual({ generate: { answerability: { model: '/models/a.json' } } });
    // The served configuration: base plus the entry's overrides, validated again.
    const served = applyOverrides(parseConfig({ dataDir: 'memory://' }), entry.overrides);
    expect(served.retrieve.mode).toBe('sparse');
    expect(served.generate.refusalThreshold).toBe(0.2);
    expect(served.dataDir).toBe('memory://');
  });

  it('dev -> staging needs a passing eval gate; staging -> production a load benchmark within limits and approval for a major version', async () => {
    const entry = await registry.register({ tenant: 'beta', kind: 'answer-config', name: 'sparse', version: '1.0.0', overrides: { retrieve: { mode: 'sparse' } }, codeVersion: 'x' });
    await expect(promoteEntry(registry, entry.id, 'staging')).rejects.toThrow(/no eval gate record/);
    await registry.recordGate({ tenant: 'beta', entryId: entry.id, passed: false, reasons: [], experimentIds: [] });
    await expect(promoteEntry(registry, entry.id, 'staging')).rejects.toThrow(/failed/);
    await expect(promoteEntry(registry, entry.id, 'production')).rejects.toThrow(/only staging entries/);
    await registry.recordGate({ tenant: 'beta', entryId: entry.id, passed: true, reasons: [], experimentIds: ['EXP-2026-12-07-002'] });
    const staged = await promoteEntry(registry, entry.id, 'staging');
    expect(staged.entry.stage).toBe('staging');
    await expect(promoteEntry(registry, entry.id, 'production', { approve: true })).rejects.toThrow(/no load benchmark/);
    await registry.recordLoadBenchmark({ tenant: 'beta', entryId: entry.id, passed: false, figures: { p95Ms: 5000 }, limits: { p95Ms: 1000 } });
    await expect(promoteEntry(registry, entry.id, 'production', { approve: true })).rejects.toThrow(/outside its limits/);
    await registry.recordLoadBenchmark({ tenant: 'beta', entryId: entry.id, passed: true, figures: { p95Ms: 50 }, limits: { p95Ms: 1000 } });
    await expect(promoteEntry(registry, entry.id, 'production')).rejects.toThrow(/first answer-config in production: needs explicit approval/);
    const now = new Date('2026-12-07T10:00:00Z');
    const promoted = await promoteEntry(registry, entry.id, 'production', { approve: true, now });
    expect(promoted.canary).toMatchObject({ tenant: 'beta', kind: 'canary', treatmentShare: 0.05, controlEntryId: null, status: 'running' });
    expect(promoted.entry.stage).toBe('staging');
    expect((await rolloutEvents(db, promoted.canary!)).map((e) => e.event)).toEqual(['start']);
    // One rollout per tenant at a time.
    const other = await readyEntry(registry, 'beta', 'dense', '1.1.0');
    await promoteEntry(registry, other.id, 'staging');
    await expect(promoteEntry(registry, other.id, 'production', { approve: true })).rejects.toThrow(/already runs/);
    // Manual rollback stops the canary.
    const rolledBack = await rollbackKind(registry, 'beta', 'answer-config', { now });
    expect(rolledBack.action).toBe('canary-stopped');
    expect(await runningRollout(db, 'beta')).toBeUndefined();
  });

  it('one production entry per kind and scope; a minor version needs no approval; rollback restores the replaced entry', async () => {
    const first = await readyEntry(registry, '*', 'global-a', '1.0.0');
    await promoteEntry(registry, first.id, 'staging');
    await promoteEntry(registry, first.id, 'production', { approve: true });
    const second = await readyEntry(registry, '*', 'global-b', '1.1.0');
    await promoteEntry(registry, second.id, 'staging');
    const moved = await promoteEntry(registry, second.id, 'production');
    expect(moved.entry.stage).toBe('production');
    expect((await registry.get(first.id)).stage).toBe('archived');
    expect((await registry.list({ tenant: '*', stage: 'production', kind: 'answer-config' })).map((e) => e.id)).toEqual([second.id]);
    // A tenant without its own production entry uses the global one.
    expect((await registry.production('gamma', 'answer-config'))?.id).toBe(second.id);
    const third = await readyEntry(registry, '*', 'global-c', '2.0.0');
    await promoteEntry(registry, third.id, 'staging');
    await expect(promoteEntry(registry, third.id, 'production')).rejects.toThrow(/major version 2 replaces 1\.1\.0/);
    const rolled = await rollbackKind(registry, '*', 'answer-config');
    expect(rolled).toMatchObject({ action: 'production-restored', restored: { id: first.id, stage: 'production' }, archived: { id: second.id, stage: 'archived' } });
    expect((await registry.history(second)).map((h) => `${h.fromStage}->${h.toStage}`)).toEqual(['none->dev', 'dev->staging', 'staging->production', 'production->archived']);
    await expect(registry.get(99_999)).rejects.toBeInstanceOf(GroundworkError);
    // Another tenant's entry is not found through a tenant's scope.
    await expect(registry.get(second.id, { tenant: 'acme' })).resolves.toMatchObject({ tenant: '*' });
    const beta = (await registry.list({ tenant: 'beta' })).find((e) => e.tenant === 'beta')!;
    await expect(registry.get(beta.id, { tenant: 'acme' })).rejects.toThrow(/not found/);
  });
});
