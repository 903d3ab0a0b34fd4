import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperimentStore } from '../../src/eval/experiment-store.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import type { ChatModel } from '../../src/models/types.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { ACME_DOCS } from '../server/server-fixtures.js';
import { wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

/** Debian's Chromium (CI installs it in .ci/run); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = resolve(import.meta.dirname, '..', '..');
const SHOTS = join(ROOT, 'test-results', 'ui');
/** Pause between streamed tokens: an LLM's pace, so the page has tokens to show before the answer ends. */
const TOKEN_GAP_MS = 40;
const REPLY = 'The cordless drill has a two year warranty, and batteries are covered for one year [Source: Drill Warranty].';

/** A chat model that streams its reply a word at a time with a pause between words, as a remote LLM does. */
function pacedChatModel(): ChatModel {
  const usage = { inputTokens: 120, outputTokens: 24, cachedInputTokens: 0 };
  return {
    id: 'recording:test',
    provider: 'recording',
    contextWindow: 16_000,
    supportsTools: false,
    async generate() {
      return { text: REPLY, usage, model: 'test' };
    },
    async *stream(request) {
      for (const piece of REPLY.match(/\s*\S+\s*/g) ?? []) {
        await new Promise((done) => setTimeout(done, TOKEN_GAP_MS));
        request.signal?.throwIfAborted();
        yield { type: 'token', text: piece };
      }
      yield { type: 'done', result: { text: REPLY, usage, model: 'test' } };
    },
  };
}

if (!HAVE_CHROMIUM) {
  console.warn(`test/ui/console.test.ts: browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does, or set CHROMIUM_PATH)`);
}

describe.skipIf(!HAVE_CHROMIUM)('web console in Chromium (headless)', () => {
  let dataDir: string;
  let gw: Groundwork;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let key: string;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // A clean checkout has no bundle until `npm run build`: build it here so the test stands alone.
    if (!existsSync(join(ROOT, 'dist', 'ui', 'index.html'))) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-ui.mjs')], { cwd: ROOT, stdio: 'inherit' });
    mkdirSync(SHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'gw-console-'));
    gw = await createGroundwork({
      config: {
        dataDir,
        tenant: 'default',
        generate: { refusalThreshold: 0.05 },
        router: { models: [{ id: 'recording:test', inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: 0.5, contextWindow: 16_000, tier: 'small' }] },
      },
      useEnvironment: false,
      chunker: wholeDocumentChunker('paragraph'),
      chatModel: pacedChatModel(),
    });
    await gw.ingest(ACME_DOCS.map((document) => ({ document })), { tenant: 'acme' });
    const experiments = createExperimentStore(gw.db);
    const perQuery = (shift: number) => Array.from({ length: 12 }, (_, i) => ({ queryId: `q${i}`, metrics: { 'ndcg@10': Math.min(1, 0.4 + i * 0.03 + shift) } }));
    const experiment = (hypothesis: string, shift: number) => ({
      tenant: 'acme',
      hypothesis,
      dataset: { kind: 'golden' as const, path: 'samples/golden.jsonl', hash: 'sha256:console-test' },
      config: { eval: { primaryMetric: 'ndcg@10' } },
      codeVersion: 'test',
      metrics: { 'ndcg@10': { mean: 0.5 + shift, lower: 0.45 + shift, upper: 0.55 + shift, n: 12 } },
      perQuery: perQuery(shift),
    });
    await experiments.create(experiment('baseline run', 0));
    await experiments.create(experiment('better chunking', 0.1));
    // Another tenant's experiment: the acme key must never see it.
    await experiments.create({ ...experiment('globex secret run', 0.2), tenant: 'globex' });
    key = (await createApiKey(gw.db, 'acme')).secret;
    server = await startServer({
      groundwork: gw,
      port: 0,
      host: '127.0.0.1',
      // Uploads over 64 KiB go through the job queue, drained by a worker inside the server.
      server: { uploadJobThresholdBytes: 64 * 1024, inProcessWorkers: 1, requestLog: false },
      log: false,
      closeGroundwork: true,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // A step that cannot happen fails in seconds with what it waited for, not at the file's timeout.
    page.setDefaultTimeout(20_000);
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('serves the page with a strict CSP and signs in with an API key, scoped to its tenant', async () => {
    const response = await page.goto(`${server.url}/ui`);
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    await page.fill('input[name=apiKey]', 'gwk_not_a_real_key');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('[role=alert]')).toMatch(/unknown or revoked API key/);
    await page.fill('input[name=apiKey]', key);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=tenant]');
    expect(await page.textContent('[data-testid=tenant]')).toContain('acme');
    expect(await page.evaluate('sessionStorage.getItem("groundwork.console.apiKey")')).toBe(key);
    await shot('01-signed-in');
  });

  it('streams an answer: tokens reach the page in several updates before done', async () => {
    // Record the answer as the page shows it at every DOM change, until the turn is done.
    await page.evaluate(`(() => {
      window.__answerUpdates = [];
      const turns = document.querySelector('[data-testid=turns]');
      new MutationObserver(() => {
        const turn = [...turns.querySelectorAll('[data-testid=turn]')].pop();
        const answer = turn && turn.querySelector('[data-testid=answer]');
        if (answer) window.__answerUpdates.push({ state: turn.dataset.state, tokens: Number(answer.dataset.tokens) });
      }).observe(turns, { subtree: true, childList: true, characterData: true, attributes: true });
    })()`);
    const asked = page.waitForResponse((r) => r.url().endsWith('/v1/ask'));
    await page.fill('input[name=question]', 'How long is the warranty of the cordless drill?');
    await page.click('form.ask button[type=submit]');
    const response = await asked;
    expect(response.headers()['content-type']).toContain('text/event-stream');
    await page.waitForSelector('[data-testid=turn][data-state=done]', { timeout: 30_000 });
    const updates = (await page.evaluate('window.__answerUpdates')) as Array<{ state: string; tokens: number }>;
    const streamedCounts = new Set(updates.filter((u) => u.state === 'streaming' && u.tokens > 0).map((u) => u.tokens));
    expect(streamedCounts.size, JSON.stringify(updates)).toBeGreaterThan(1);
    expect(await page.textContent('[data-testid=answer]')).toContain('two year warranty');
    // The request id shown is the response's x-request-id (what feedback is keyed by).
    expect(await page.textContent('[data-testid=request-id]')).toBe(response.headers()['x-request-id']);
    await shot('02-streamed-answer');
  });

  it('opens a citation: the quoted passage, marked in its document', async () => {
    await page.click('[data-testid=citation]');
    await page.waitForSelector('[data-testid=document-panel] [data-testid=quote]');
    expect(await page.textContent('[data-testid=document-panel] h2')).toContain('Drill Warranty');
    expect(await page.textContent('[data-testid=document-panel] [data-testid=quote]')).toMatch(/two year warranty/);
    await shot('03-citation');
    await page.click('[data-testid=document-panel] button[aria-label=Close]');
  });

  it('gives feedback: thumbs down with a correct answer lands in the feedback table under the request id', async () => {
    const requestId = (await page.textContent('[data-testid=request-id]'))!;
    await page.click('button[aria-label="Bad answer"]');
    await page.waitForSelector('[data-testid=feedback-saved]');
    await page.fill('textarea[name=correctAnswer]', 'Two years for the drill; one year for batteries.');
    await page.click('.correction button[type=submit]');
    await expect.poll(() => page.textContent('[data-testid=feedback-saved]')).toContain('correct answer saved');
    const { rows } = await gw.db.query<{ tenant: string; rating: number; correct_answer: string }>('SELECT tenant, rating, correct_answer FROM feedback WHERE request_id = $1', [requestId]);
    expect(rows).toEqual([{ tenant: 'acme', rating: -1, correct_answer: 'Two years for the drill; one year for batteries.' }]);
    await shot('04-feedback');
  });

  it('shows a refusal as a refusal', async () => {
    await page.fill('input[name=question]', 'Which moon of Neptune has geysers of nitrogen?');
    await page.click('form.ask button[type=submit]');
    await page.waitForSelector('[data-testid=turn]:last-of-type[data-state=done]', { timeout: 30_000 });
    const last = page.locator('[data-testid=turn]').last();
    expect(await last.locator('[data-testid=refusal]').textContent()).toMatch(/^Refused/);
    await shot('05-refusal');
  });

  it('uploads documents with progress, lists them, shows markup as text, runs a large upload as a job, deletes', async () => {
    await page.click('a[data-tab=documents]');
    await page.waitForSelector('[data-testid=document-list] tr[data-document-id]');
    const hostile = 'Release notes\n\nThe launch moves to Friday. <script>window.__pwned = 1</script>\n\n<img src="x" onerror="window.__pwned = 2"> Bring the badge.\n';
    await page.setInputFiles('input[type=file]', { name: 'release-notes.txt', mimeType: 'text/plain', buffer: Buffer.from(hostile) });
    await page.click('form.upload button[type=submit]');
    await page.waitForSelector('[data-testid=upload-status][data-state=done]', { timeout: 30_000 });
    const progress = page.locator('[data-testid=upload-progress]');
    expect(Number(await progress.getAttribute('value'))).toBe(Number(await progress.getAttribute('max')));
    expect(Number(await progress.getAttribute('max'))).toBeGreaterThan(0);
    const row = page.locator('[data-testid=document-list] tr', { hasText: 'release-notes.txt' });
    await row.waitFor();
    await row.locator('td:nth-child(2) button').click();
    await page.waitForSelector('[data-testid=document-panel] .chunk');
    const shown = await page.textContent('[data-testid=document-panel] .document-text');
    expect(shown).toMatch(/[<‹]script[>›]window.__pwned = 1[<‹]\/script[>›]/);
    expect(shown).toContain('Bring the badge');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.locator('[data-testid=document-panel] script, [data-testid=document-panel] img').count()).toBe(0);
    await shot('06-uploaded-markup-as-text');
    await page.click('[data-testid=document-panel] button[aria-label=Close]');

    // Past the job threshold: 202, the job shows in the jobs table until the in-process worker finishes it.
    const paragraph = 'Forklift maintenance schedule: inspect the hydraulic lines weekly and replace filters monthly. '.repeat(20);
    const large = Array.from({ length: 60 }, (_, i) => `Section ${i}. ${paragraph}`).join('\n\n');
    await page.setInputFiles('input[type=file]', { name: 'forklift-manual.md', mimeType: 'text/markdown', buffer: Buffer.from(large) });
    await page.click('form.upload button[type=submit]');
    await page.waitForSelector('[data-testid=jobs] tr[data-status=done]', { timeout: 60_000 });
    await page.locator('[data-testid=document-list] tr', { hasText: 'forklift-manual.md' }).waitFor();
    await shot('07-job-done');

    await row.locator('button', { hasText: 'Delete' }).click();
    await row.locator('button', { hasText: 'Really delete' }).click();
    await expect.poll(() => page.locator('[data-testid=document-list] tr', { hasText: 'release-notes.txt' }).count()).toBe(0);
    const { rows } = await gw.db.query<{ n: number }>("SELECT count(*)::int AS n FROM documents WHERE tenant = 'acme' AND external_id LIKE '%release-notes.txt'");
    expect(rows[0].n).toBe(0);
  });

  it('lists the tenant\'s experiments, compares two with the paired test, opens the HTML report', async () => {
    await page.click('a[data-tab=experiments]');
    await page.waitForSelector('[data-testid=experiment-list] tr[data-experiment-id]');
    const listed = await page.locator('[data-testid=experiment-list] tr[data-experiment-id]').count();
    expect(listed).toBe(2);
    expect(await page.textContent('[data-testid=experiment-list]')).not.toContain('globex secret run');
    for (const box of await page.locator('[data-testid=experiment-list] input[type=checkbox]').all()) await box.check();
    await page.click('button:has-text("Compare the two selected")');
    await page.waitForSelector('[data-testid=comparison] tbody tr');
    const comparison = await page.textContent('[data-testid=comparison]');
    expect(comparison).toContain('12 shared queries');
    expect(comparison).toContain('ndcg@10');
    await page.locator('[data-testid=experiment-list] tr[data-experiment-id] button', { hasText: 'Report' }).first().click();
    const frame = page.frameLocator('[data-testid=report-frame]');
    await frame.locator('h1').waitFor();
    expect(await frame.locator('h2').first().textContent()).toContain('Metrics');
    await shot('08-experiments');
  });

  it('shows the request on the dashboard, or says monitoring is not available', async () => {
    const probe = await fetch(`${server.url}/v1/monitor/report?window=1h`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(20_000) });
    await page.click('a[data-tab=dashboard]');
    if (probe.status === 404) {
      await page.waitForSelector('[data-testid=monitoring-unavailable]');
      expect(await page.textContent('[data-testid=monitoring-unavailable]')).toContain('Monitoring not available');
    } else {
      expect(probe.status).toBe(200);
      // Telemetry is written in batches off the request path: refresh until the asks show.
      await expect
        .poll(
          async () => {
            await page.click('.dashboard button:has-text("Refresh")');
            await page.waitForSelector('[data-testid=requests-current]');
            return Number(await page.textContent('[data-testid=requests-current]'));
          },
          { timeout: 30_000, interval: 1_000 },
        )
        .toBeGreaterThanOrEqual(2);
      expect(await page.locator('[data-testid=chart-requests] canvas').count()).toBe(1);
    }
    await shot('09-dashboard');
  });

  it('ran without a CSP violation or a page error', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
