import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createMonitor, type Monitor } from '../../src/monitor/monitor-service.js';
import { assignArm } from '../../src/registry/assign-arm.js';
import { createRegistryStore, type RegistryEntry, type RegistryStore } from '../../src/registry/registry-store.js';
import { runningRollout } from '../../src/registry/rollout-store.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { ACME_DOCS } from '../server/server-fixtures.js';
import { wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

/** Debian's Chromium (CI installs it in .ci/run); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = resolve(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'test-results', 'ui');
const EXPERIMENT = 'EXP-2026-12-07-001';

if (!HAVE_CHROMIUM) {
  console.warn(`test/ui/registry-console.test.ts: browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does, or set CHROMIUM_PATH)`);
}

describe.skipIf(!HAVE_CHROMIUM)('the web console\'s registry view in Chromium (headless)', () => {
  let dataDir: string;
  let gw: Groundwork;
  let monitor: Monitor;
  let registry: RegistryStore;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let key: string;
  let production: RegistryEntry;
  let candidate: RegistryEntry;
  let ranker: RegistryEntry;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // A clean checkout has no bundle until `npm run build`: build it here so the test stands alone.
    if (!existsSync(join(ROOT, 'dist', 'ui', 'index.html'))) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-ui.mjs')], { cwd: ROOT, stdio: 'inherit' });
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'gw-registry-console-'));
    gw = await createGroundwork({
      // The controller does not move the canary during the test; arms follow the registry at once.
      config: { dataDir, tenant: 'default', generate: { refusalThreshold: 0.05 }, registry: { armRefreshMs: 0, controllerIntervalMs: 3_600_000 } },
      useEnvironment: false,
      chunker: wholeDocumentChunker('paragraph'),
    });
    await gw.ingest(ACME_DOCS.map((document) => ({ document })), { tenant: 'acme' });
    registry = createRegistryStore(gw.db);
    const register = (input: { tenant?: string; kind?: 'answer-config' | 'ranker'; name: string; version: string; overrides?: unknown; experimentIds?: string[] }) =>
      registry.register({ tenant: input.tenant ?? 'acme', kind: input.kind ?? 'answer-config', name: input.name, version: input.version, overrides: input.overrides ?? { generate: { maxOutputTokens: 400 } }, experimentIds: input.experimentIds, codeVersion: 'test' });
    production = await register({ name: 'answers', version: '1.2.0' });
    await gw.db.transaction((tx) => registry.setStage(tx, production, 'production', { actor: 'test', reason: 'seeded' }));
    candidate = await register({ name: 'answers', version: '2.0.0', overrides: { generate: { maxOutputTokens: 300 } } });
    await gw.db.transaction((tx) => registry.setStage(tx, candidate, 'staging', { actor: 'test', reason: 'seeded' }));
    await registry.recordLoadBenchmark({ tenant: 'acme', entryId: candidate.id, passed: true, figures: { p95Ms: 40, errorRate: 0 }, limits: { maxP95Ms: 2000, maxErrorRate: 0.01 } });
    ranker = await register({ kind: 'ranker', name: 'ranker-feedback', version: '1.0.0', overrides: { retrieve: { ranker: { model: 'default' } } }, experimentIds: [EXPERIMENT] });
    // Another tenant's entry: the acme key must never see it.
    await register({ tenant: 'globex', name: 'globex-secret', version: '1.0.0' });
    key = (await createApiKey(gw.db, 'acme')).secret;
    monitor = createMonitor({ db: gw.db, options: gw.config.monitor, log: () => undefined });
    server = await startServer({ groundwork: gw, port: 0, host: '127.0.0.1', server: { requestLog: false }, log: false, monitor, closeGroundwork: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await monitor?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const row = (entry: RegistryEntry) => page.locator(`tr[data-entry-id="${entry.id}"]`);
  const stageOf = async (entry: RegistryEntry) => (await registry.get(entry.id)).stage;

  it('lists the tenant\'s entries per kind with stage, version and EXP records (no other tenant\'s)', async () => {
    await page.goto(`${server.url}/ui`);
    await page.fill('input[name=apiKey]', key);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=tenant]');
    await page.click('a[data-tab=registry]');
    await page.waitForSelector('[data-testid=registry-kind]');
    expect(await page.locator('[data-testid=registry-kind]').evaluateAll((sections) => sections.map((s) => s.getAttribute('data-kind')))).toEqual(['answer-config', 'ranker']);
    expect(await row(production).getAttribute('data-stage')).toBe('production');
    expect(await row(candidate).getAttribute('data-stage')).toBe('staging');
    expect(await row(candidate).textContent()).toContain('2.0.0');
    expect(await row(ranker).getAttribute('data-stage')).toBe('dev');
    expect(await row(ranker).textContent()).toContain(EXPERIMENT);
    expect(await page.textContent('.registry')).not.toContain('globex-secret');
    expect(await page.textContent('.registry')).toContain('None running');
    await shot('registry-01-entries');
  });

  it('refuses what the CLI refuses: staging without a passing eval gate, a new major version without approval', async () => {
    await row(ranker).locator('[data-testid=promote]').click();
    await expect.poll(() => page.textContent('[role=alert]')).toMatch(/no eval gate record.*HTTP 409/);
    expect(await stageOf(ranker)).toBe('dev');
    // 2.0.0 replaces 1.2.0: the button waits for the approval box.
    const promote = row(candidate).locator('[data-testid=promote]');
    expect(await promote.isDisabled()).toBe(true);
    expect(await row(candidate).textContent()).toContain('major version 2 replaces 1.2.0');
    await row(candidate).locator('input[name=approve]').check();
    expect(await promote.isDisabled()).toBe(false);
  });

  it('promotes with approval: the canary starts at its first step, with per-arm figures from live traffic', async () => {
    await row(candidate).locator('[data-testid=promote]').click();
    await expect.poll(() => page.textContent('[data-testid=registry-message]')).toMatch(/canary started for entry \d+: 5% of tenant acme's traffic/);
    const canary = (await runningRollout(gw.db, 'acme'))!;
    expect(canary).toMatchObject({ kind: 'canary', treatmentEntryId: candidate.id, controlEntryId: production.id, treatmentShare: 0.05 });
    const card = page.locator(`[data-testid=rollout][data-rollout-id="${canary.id}"]`);
    expect(await card.locator('[data-testid=rollout-step]').textContent()).toMatch(/^step 1 of 4: 5% of the traffic/);
    expect(await card.locator('[data-testid=rollout-events]').textContent()).toMatch(/start at 5%: promotion to production by api-key:\d+/);
    // While its canary runs, the entry offers no second promotion.
    expect(await row(candidate).locator('[data-testid=promote]').count()).toBe(0);
    expect(await row(candidate).textContent()).toContain('in rollout');

    // Live traffic: units on each arm (the server's own sticky hash decides; the view shows what telemetry counted).
    const units = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    const treated = units.filter((u) => assignArm(canary, 'acme', u)!.treatment).slice(0, 2);
    const controlled = units.filter((u) => !assignArm(canary, 'acme', u)!.treatment).slice(0, 3);
    for (const unit of [...treated, ...controlled]) {
      const res = await fetch(`${server.url}/v1/ask`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-groundwork-user': unit }, body: JSON.stringify({ question: 'What is the daily meal allowance while travelling?' }) });
      expect(res.status).toBe(200);
    }
    await monitor.telemetry.flush();
    await page.click('[data-testid=registry-refresh]');
    await expect.poll(() => card.locator('tr[data-arm=treatment] td').nth(1).textContent()).toBe('2');
    expect(await card.locator('tr[data-arm=control] td').nth(1).textContent()).toBe('3');
    expect(await card.locator('tr[data-arm=control] td').first().textContent()).toContain(String(production.id));
    await shot('registry-02-canary');
  });

  it('rolls back from the console: the canary stops, then the production entry is archived', async () => {
    const section = page.locator('[data-testid=registry-kind][data-kind=answer-config]');
    await section.locator('[data-testid=rollback]').click();
    await section.locator('[data-testid=confirm-rollback]').click();
    await expect.poll(() => page.textContent('[data-testid=registry-message]')).toMatch(/canary \d+ stopped: all of tenant acme's traffic is back on the control/);
    expect(await runningRollout(gw.db, 'acme')).toBeUndefined();
    await page.waitForSelector('[data-testid=ended-rollouts] tr[data-status=rolled-back]');
    expect(await page.textContent('[data-testid=ended-rollouts]')).toContain('rollback from the web console');
    expect(await page.locator('[data-testid=rollout]').count()).toBe(0);
    await shot('registry-03-rolled-back');

    // No canary left: a second rollback takes the production entry back (none before it: the base serves).
    await section.locator('[data-testid=rollback]').click();
    await section.locator('[data-testid=confirm-rollback]').click();
    await expect.poll(() => page.textContent('[data-testid=registry-message]')).toMatch(new RegExp(`entry ${production.id} archived`));
    expect(await stageOf(production)).toBe('archived');
    await expect.poll(() => row(production).getAttribute('data-stage')).toBe('archived');
    const { rows } = await gw.db.query<{ actor: string; reason: string }>(`SELECT actor, reason FROM registry_promotions WHERE entry_id = $1 AND to_stage = 'archived'`, [production.id]);
    expect(rows).toEqual([{ actor: expect.stringMatching(/^api-key:\d+$/), reason: 'rollback from the web console' }]);
    expect(pageErrors).toEqual([]);
  });
});
