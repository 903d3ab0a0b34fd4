import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExperimentStore } from '../../src/eval/experiment-store.js';
import { renderHtmlReport } from '../../src/eval/html-report.js';
import { buildExperimentReport } from '../../src/eval/run-report.js';
import { runGoldenEval } from '../../src/eval/run-golden-eval.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createApiKey } from '../../src/server/api-keys.js';
import { createApp } from '../../src/server/create-app.js';
import { readJson } from './server-fixtures.js';

// Issue #17: documents are data. Markup written into documents, raw (Markdown) or as entities
// (HTML, decoded by the parser), must come out inert everywhere text leaves groundwork.

/** Live markup: an HTML tag a browser would act on (script, img, any tag with an event handler). */
const LIVE = /<\s*\/?\s*(?:script|img|iframe|svg)\b|<[^>]*\bon\w+\s*=/i;

const MARKDOWN = `# Release notes <script>alert("title")</script> <img src=x onerror=alert(1)>

The nightly deploy script runs at two in the morning. <script>alert("md")</script>

<img src=x onerror=alert(1)> Raw images never render in answers about the nightly deploy window.
`;
const HTML = `<!doctype html><html><head><title>Escaping &lt;script&gt;alert(1)&lt;/script&gt; guide</title></head>
<body><main><h1>Escaping guide</h1>
<p>To show a script tag, the escaping guide writes &lt;script&gt;alert(1)&lt;/script&gt; as plain text.</p>
<p>An image tag with a handler looks like &lt;img src=x onerror=alert(1)&gt; in the escaping guide.</p>
</main></body></html>`;

let dir: string;
let gw: Groundwork;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gw-data-'));
  writeFileSync(join(dir, 'notes.md'), MARKDOWN);
  writeFileSync(join(dir, 'page.html'), HTML);
  gw = await createGroundwork({ config: { dataDir: 'memory://', generate: { refusalThreshold: 0 } }, useEnvironment: false });
  const summary = await gw.ingest([dir]);
  expect(summary.documents.added).toBe(2);
});
afterAll(() => gw?.close());

const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

describe('documents are data: no live markup reaches answers, titles or reports', () => {
  it('ingest stores inert titles and text, and sources relative to the ingest root', async () => {
    const { rows } = await gw.db.query<{ source: string; title: string; text: string }>(
      `SELECT d.source, d.title, string_agg(c.text, ' ') AS text FROM documents d JOIN chunks c ON c.document_id = d.id GROUP BY d.id ORDER BY d.source`,
    );
    expect(rows.map((r) => r.source)).toEqual(['notes.md', 'page.html']);
    for (const row of rows) {
      expect(row.title).not.toMatch(LIVE);
      expect(row.text).not.toMatch(LIVE);
    }
    // Raw HTML in Markdown is reduced to text: script contents dropped, tags removed.
    expect(rows[0].title).toBe('Release notes');
    expect(rows[0].text).not.toContain('alert');
    expect(rows[0].text).toContain('The nightly deploy script runs at two in the morning.');
    // Entities in HTML prose decode to text whose brackets are neutralized.
    expect(rows[1].title).toBe('Escaping ‹script›alert(1)‹/script› guide');
    expect(rows[1].text).toContain('writes ‹script›alert(1)‹/script› as plain text');
  });

  it('ask (library): answers, quotes and citation titles carry no live markup', async () => {
    for (const question of ['When does the nightly deploy script run?', 'How does the escaping guide write a script tag?', 'What does an image tag with a handler look like?']) {
      const result = await gw.ask({ question });
      expect(result.refused).toBe(false);
      expect(result.answer).not.toMatch(LIVE);
      for (const citation of result.citations) {
        expect(citation.title).not.toMatch(LIVE);
        expect(citation.quote).not.toMatch(LIVE);
        expect(citation.marker).not.toMatch(LIVE);
      }
    }
  });

  it('POST /v1/chat/completions and /v1/ask: no live markup, no server paths', async () => {
    const app = createApp(gw, { server: { auth: false }, log: false });
    for (const question of ['How does the escaping guide write a script tag?', 'What does an image tag with a handler look like?']) {
      const chat = await app.request('/v1/chat/completions', post({ model: 'groundwork', messages: [{ role: 'user', content: question }] }));
      expect(chat.status).toBe(200);
      const body = await chat.text();
      expect(JSON.parse(body).choices[0].message.content).toContain('escaping guide');
      expect(body).not.toMatch(LIVE);
      expect(body).not.toContain(dir);
      const ask = await app.request('/v1/ask', post({ question }));
      const text = await ask.text();
      expect(text).not.toMatch(LIVE);
      expect(text).not.toContain(dir);
      expect(JSON.parse(text).citations[0].source).toBe('page.html');
    }
  });

  it('GET /v1/documents lists sources relative to the ingest root, never server paths', async () => {
    const app = createApp(gw, { server: { auth: false }, log: false });
    const res = await app.request('/v1/documents');
    const text = await res.text();
    expect(text).not.toContain(dir);
    expect(JSON.parse(text).documents.map((d: { source: string; externalId: string }) => [d.source, d.externalId])).toEqual([
      ['notes.md', 'notes.md'],
      ['page.html', 'page.html'],
    ]);
  });

  it('POST /v1/documents: an upload skip says its reason once; uploaded titles are inert too', async () => {
    const app = createApp(gw, { server: { auth: false }, log: false });
    const data = new FormData();
    data.append('file', new File(['  \n\n'], 'blank.md', { type: 'text/markdown' }));
    data.append('file', new File(['# Upload <script>alert(1)</script> title\n\nUploaded body text.\n'], 'up.md', { type: 'text/markdown' }));
    const res = await app.request('/v1/documents', { method: 'POST', body: data });
    const body = await readJson(res);
    expect(res.status).toBe(200);
    expect(body.summary.skipped).toEqual([{ path: 'upload:blank.md', reason: 'empty: no text' }]);
    const listed = await readJson(await app.request(`/v1/documents?tenant=${body.tenant}`));
    expect(listed.documents.find((d: { source: string }) => d.source === 'upload:up.md')).toMatchObject({ title: 'Upload title' });
  });

  it('HTTP and API keys apply the one tenant-name rule, naming the value', async () => {
    const app = createApp(gw, { server: { auth: false }, log: false });
    const message = 'tenant: "bad tenant!" is not a valid tenant name: use 1 to 64 letters, digits, "_", "." or "-"';
    const ask = await app.request('/v1/ask', post({ question: 'q', tenant: 'bad tenant!' }));
    expect(ask.status).toBe(400);
    expect((await readJson(ask)).error.message).toBe(message);
    const list = await app.request(`/v1/documents?tenant=${encodeURIComponent('bad tenant!')}`);
    expect(list.status).toBe(400);
    expect((await readJson(list)).error.message).toBe(message);
    await expect(createApiKey(gw.db, 'bad tenant!')).rejects.toMatchObject({ code: 'INPUT', message });
  });

  it('the eval HTML report escapes queries, passages and titles', async () => {
    const golden = join(dir, 'golden.jsonl');
    writeFileSync(
      golden,
      [
        { id: 'q-<script>1', question: 'How does the escaping guide write <script>alert(1)</script>?', reference_answer: '<img src=x onerror=alert(1)>', relevant_doc_ids: ['page.html'], answerable: true, segment: '<b>seg</b>' },
        { id: 'q2', question: 'When does the nightly deploy script run?', reference_answer: 'two in the morning', relevant_doc_ids: ['notes.md'], answerable: true },
      ]
        .map((item) => JSON.stringify(item))
        .join('\n'),
    );
    const run = await runGoldenEval(gw, { golden, hypothesis: '<script>alert("hypothesis")</script>' });
    const report = await buildExperimentReport(createExperimentStore(gw.db), run.experimentId, { resamples: 100, worstQueries: 5 });
    const html = renderHtmlReport(report);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<script|<img|<b>seg/i);
    expect(html).not.toMatch(/<[^>]*\bonerror\s*=/i);
  });
});
