import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createArmServing, type ArmServing } from '../../src/registry/arm-middleware.js';
import { GLOBAL_SCOPE } from '../../src/registry/entry-kinds.js';
import { runningRollout } from '../../src/registry/rollout-store.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { createApp } from '../../src/server/create-app.js';
import { readyEntry } from './registry-fixtures.js';

describe('the registry\'s promote and rollback routes (auth on, PGlite)', { timeout: 60_000 }, () => {
  let gw: Groundwork;
  let arms: ArmServing;
  let app: ReturnType<typeof createApp>;
  let keys: { acme: string; admin: string; globex: string };
  beforeAll(async () => {
    gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'acme' }, useEnvironment: false });
    arms = createArmServing(gw, { refreshMs: 0, log: () => undefined });
    app = createApp(gw, { server: { auth: true }, log: false, arms });
    keys = {
      acme: (await createApiKey(gw.db, 'acme')).secret,
      admin: (await createApiKey(gw.db, 'acme', { admin: true })).secret,
      globex: (await createApiKey(gw.db, 'globex')).secret,
    };
  });
  afterAll(async () => {
    await arms?.close();
    await gw?.close();
  });

  const post = (path: string, key: string, body: unknown) =>
    app.request(path, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

  it('applies the CLI\'s criteria: staging needs a gate, production approval for a first or new major entry; then a canary runs', async () => {
    const entry = await readyEntry(arms.registry, 'acme', 'answers', '1.0.0');
    const ungated = await arms.registry.register({ tenant: 'acme', kind: 'answer-config', name: 'ungated', version: '1.0.0', overrides: { retrieve: { mode: 'sparse' } }, codeVersion: 'test' });
    const noGate = await post(`/v1/registry/entries/${ungated.id}/promote`, keys.acme, { to: 'staging' });
    expect(noGate.status).toBe(409);
    expect((await errorOf(noGate)).message).toMatch(/no eval gate record/);
    const staged = await post(`/v1/registry/entries/${entry.id}/promote`, keys.acme, { to: 'staging' });
    expect(staged.status).toBe(200);
    expect(await staged.json()).toMatchObject({ entry: { id: entry.id, stage: 'staging' } });
    const unapproved = await post(`/v1/registry/entries/${entry.id}/promote`, keys.acme, { to: 'production' });
    expect(unapproved.status).toBe(409);
    expect((await errorOf(unapproved)).message).toMatch(/first answer-config in production: needs explicit approval/);
    const approved = await post(`/v1/registry/entries/${entry.id}/promote`, keys.acme, { to: 'production', approve: true, windowMinutes: 30 });
    expect(approved.status).toBe(200);
    const { canary } = (await approved.json()) as { canary: { id: number; treatmentShare: number; settings: { windowMs: number } } };
    expect(canary).toMatchObject({ treatmentShare: 0.05, settings: { windowMs: 30 * 60_000 } });
    const history = await arms.registry.history(entry);
    expect(history.at(-1)).toMatchObject({ toStage: 'staging', actor: expect.stringMatching(/^api-key:\d+$/) });
    // The rollouts listing carries the running canary's per-arm figures.
    const listed = (await (await app.request('/v1/registry/rollouts', { headers: { authorization: `Bearer ${keys.acme}` } })).json()) as { rollouts: Array<{ rollout: { id: number }; arms?: { control: { arm: string }; treatment: { arm: string; requests: number } } }> };
    expect(listed.rollouts[0]).toMatchObject({ rollout: { id: canary.id }, arms: { control: { arm: 'base' }, treatment: { arm: String(entry.id), requests: 0 } } });
    // Rollback stops it.
    const rolledBack = await post('/v1/registry/rollback', keys.acme, { kind: 'answer-config', reason: 'test' });
    expect(rolledBack.status).toBe(200);
    expect(await rolledBack.json()).toMatchObject({ action: 'canary-stopped' });
    expect(await runningRollout(gw.db, 'acme')).toBeUndefined();
    // Nothing left in production: a rollback says so.
    const nothing = await post('/v1/registry/rollback', keys.acme, { kind: 'answer-config' });
    expect(nothing.status).toBe(404);
  });

  it('keeps tenants apart, and the global scope to admin keys', async () => {
    const acmeEntry = await readyEntry(arms.registry, 'acme', 'tenant-only', '1.0.0');
    const notTheirs = await post(`/v1/registry/entries/${acmeEntry.id}/promote`, keys.globex, { to: 'staging' });
    expect(notTheirs.status).toBe(404);
    expect((await post(`/v1/registry/entries/${acmeEntry.id}/promote`, keys.globex, { to: 'staging', tenant: 'acme' })).status).toBe(403);
    expect((await arms.registry.get(acmeEntry.id)).stage).toBe('dev');
    const global = await readyEntry(arms.registry, GLOBAL_SCOPE, 'everyone', '1.0.0');
    const plain = await post(`/v1/registry/entries/${global.id}/promote`, keys.acme, { to: 'staging' });
    expect(plain.status).toBe(403);
    expect((await errorOf(plain)).message).toMatch(/admin API key/);
    expect((await post('/v1/registry/rollback', keys.acme, { kind: 'answer-config', global: true })).status).toBe(403);
    const admin = await post(`/v1/registry/entries/${global.id}/promote`, keys.admin, { to: 'staging' });
    expect(admin.status).toBe(200);
    expect((await arms.registry.get(global.id)).stage).toBe('staging');
    expect((await post(`/v1/registry/entries/${global.id}/promote`, keys.acme, { to: 'sideways' })).status).toBe(400);
  });
});
