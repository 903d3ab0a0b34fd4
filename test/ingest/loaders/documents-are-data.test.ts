import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork } from '../../../src/groundwork.js';
import { defaultLoaders } from '../../../src/ingest/loaders/default-loaders.js';
import { loadFile } from '../../../src/ingest/loaders/load-file.js';
import { createLoaderRegistry } from '../../../src/ingest/loaders/loader-registry.js';
import { markdownTitle } from '../../../src/ingest/loaders/markdown-title.js';
import { stripRawHtml } from '../../../src/ingest/loaders/strip-raw-html.js';
import { makeDocx } from '../../fixtures/ingest/make-docx.js';

let dir: string;
const registry = createLoaderRegistry(defaultLoaders());
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-data-loaders-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function loaded(name: string, content: string | Uint8Array) {
  const path = join(dir, name);
  await writeFile(path, content);
  const result = await loadFile({ path, relativePath: name }, registry);
  if (!result.ok) throw new Error(`expected documents, got skip ${JSON.stringify(result.skip)}`);
  return result.documents;
}

describe('raw HTML in Markdown is reduced to text', () => {
  it('drops script and style with their content and comments, keeps the text of other tags', () => {
    expect(stripRawHtml('Intro <script>alert(1)</script>text <style>p{}</style><!-- note -->end.')).toBe('Intro text end.');
    expect(stripRawHtml('<p align="center"><b>Fast</b> and <a href="x">small</a><br>ok</p>')).toBe('Fast and small\nok');
    expect(stripRawHtml('<img src=x onerror=alert(1)> <IMG SRC="a>b" ONERROR="x()">after')).toBe(' after');
    expect(stripRawHtml('<SCRIPT type="module">\nimport x from "y";\n</SCRIPT>kept')).toBe('kept');
  });

  it('cannot be tricked into reassembling a tag, and neutralizes what is left', () => {
    expect(stripRawHtml('<scr<script>x</script>ipt>alert(1)</script>')).not.toMatch(/<script/i);
    expect(stripRawHtml('an unclosed <img src=x onerror=alert(1)')).toBe('an unclosed ‹img src=x onerror=alert(1)');
    expect(stripRawHtml('<script>never closed\n\nstill script')).toBe('');
  });

  it('leaves code fences, code spans, autolinks and comparisons as written', () => {
    const code = '```html\n<script src="app.js"></script>\n```';
    expect(stripRawHtml(`Use this:\n\n${code}\n\nand <b>this</b>.`)).toBe(`Use this:\n\n${code}\n\nand this.`);
    expect(stripRawHtml('Write `<div>` or ``<a href="`x`">`` inline; <i>not</i> this.')).toBe('Write `<div>` or ``<a href="`x`">`` inline; not this.');
    expect(stripRawHtml('See <https://example.com> or <me@example.com>; 1 < 2 > 0.')).toBe('See <https://example.com> or <me@example.com>; 1 < 2 > 0.');
  });
});

describe('Markdown titles are plain text', () => {
  it('a README header line with badges becomes its name', () => {
    const header =
      'uuid [![CI](https://github.com/uuidjs/uuid/actions/workflows/ci.yml/badge.svg)](https://github.com/uuidjs/uuid/actions/workflows/ci.yml) [![Browser](https://github.com/uuidjs/uuid/actions/workflows/browser.yml/badge.svg)](https://github.com/uuidjs/uuid/actions/workflows/browser.yml)';
    expect(markdownTitle(header)).toBe('uuid');
  });

  it('keeps link text, drops emphasis, code and HTML markers, resolves escapes and entities', () => {
    expect(markdownTitle('The [**groundwork**](https://x.io) _guide_ to `ingest` ~~v1~~')).toBe('The groundwork guide to ingest v1');
    expect(markdownTitle('Q&amp;A for snake_case_names \\*not emphasis\\*')).toBe('Q&A for snake_case_names *not emphasis*');
    expect(markdownTitle('<a name="top"></a>Intro <sup>beta</sup> <script>alert(1)</script>')).toBe('Intro beta');
    expect(markdownTitle('Escaping &lt;script&gt; in docs')).toBe('Escaping ‹script› in docs');
    expect(markdownTitle('[![logo](logo.svg)](https://x.io)')).toBe('');
  });

  it('the loader titles from front matter, `#`, setext or <h1>, whichever comes first, as plain text', async () => {
    const [readme] = await loaded('README.md', '# uuid [![CI](https://ci.example/badge.svg)](https://ci.example) <img src=x onerror=alert(1)>\n\nFor the creation of RFC4122 UUIDs.\n');
    expect(readme.title).toBe('uuid');
    const [centered] = await loaded('centered.md', '<h1 align="center">\n  <img src="logo.png" width="80"><br>\n  Hono <em>web</em>\n</h1>\n\n## Install\n\nText.\n');
    expect(centered.title).toBe('Hono web');
    expect(centered.text).not.toMatch(/<h1|<img|<br/);
    const [setext] = await loaded('setext.md', 'Fast *Lists*\n===========\n\nBody text.\n');
    expect(setext.title).toBe('Fast Lists');
    const [front] = await loaded('front.md', '---\ntitle: "Guide <script>x</script> to **C#**"\n---\n# Other\n\nBody.\n');
    expect(front.title).toBe('Guide to C#');
    const [onlyBadges] = await loaded('badges-only.md', '# [![npm](https://img.shields.io/npm/v/x.svg)](https://npm.im/x)\n\nBody.\n');
    expect(onlyBadges.title).toBe('badges-only');
  });

  it('HTML, JSON and file-name titles carry no live markup either', async () => {
    const [page] = await loaded('page.html', '<html><head><title>A &lt;b&gt;bold&lt;/b&gt; title</title><meta name="description" content="&lt;img src=x onerror=alert(1)&gt;"></head><body><p>Body &lt;script&gt;x&lt;/script&gt; text.</p><pre><code>&lt;div&gt;code&lt;/div&gt;</code></pre></body></html>');
    expect(page.title).toBe('A ‹b›bold‹/b› title');
    expect(page.metadata.description).toBe('‹img src=x onerror=alert(1)›');
    expect(page.text).toContain('Body ‹script›x‹/script› text.');
    expect(page.text).toContain('```\n<div>code</div>\n```'); // code keeps its markup, inside a fence
    const [record] = await loaded('records.jsonl', '{"id":"r1","title":"<script>alert(1)</script>","text":"record body"}\n');
    expect(record.title).toBe('‹script›alert(1)‹/script›');
    const [named] = await loaded('<img src=x onerror=alert(1)>.txt', 'named by its file');
    expect(named.title).toBe('‹img src=x onerror=alert(1)›');
  });
});

describe('sources and skips', () => {
  it('a source is the path relative to the ingest root; the absolute path is kept apart as location', async () => {
    const [doc] = await loaded('relative.md', '# R\n\nBody.\n');
    expect(doc).toMatchObject({ source: 'relative.md', location: join(dir, 'relative.md') });
    const records = await loaded('rows.jsonl', '{"text":"a"}\n{"text":"b"}\n');
    expect(records.map((r) => [r.source, r.location])).toEqual([
      ['rows.jsonl#1', `${join(dir, 'rows.jsonl')}#1`],
      ['rows.jsonl#2', `${join(dir, 'rows.jsonl')}#2`],
    ]);
  });

  it('each skip reason says its reason once, without repeating the path', async () => {
    const root = await mkdtemp(join(dir, 'skips-'));
    await writeFile(join(root, 'empty.md'), '   \n\n');
    await writeFile(join(root, 'empty.docx'), makeDocx([]));
    await writeFile(join(root, 'broken.json'), '{"text": ');
    await writeFile(join(root, 'data.bin'), 'no loader for this');
    const gw = await createGroundwork({ config: { dataDir: 'memory://' }, useEnvironment: false });
    try {
      const summary = await gw.ingest([root]);
      const reasons = Object.fromEntries(summary.skipped.map((s) => [s.path.slice(root.length + 1), s.reason]));
      expect(reasons).toMatchObject({ 'empty.md': 'empty: no text', 'empty.docx': 'empty: no text', 'data.bin': 'unsupported: no loader for this file type' });
      expect(reasons['broken.json']).toMatch(/^malformed-json: file: /);
      for (const skip of summary.skipped) {
        expect(skip.reason).not.toContain(root);
        expect(skip.reason.split(': ')[0]).not.toBe(skip.reason.split(': ')[1]);
      }
    } finally {
      await gw.close();
    }
  });

  it('--prune still finds the documents under its root, and only those', async () => {
    const [a, b] = [await mkdtemp(join(dir, 'root-a-')), await mkdtemp(join(dir, 'root-b-'))];
    await writeFile(join(a, 'keep.md'), '# Keep\n\nKept text.\n');
    await writeFile(join(a, 'gone.md'), '# Gone\n\nGone text.\n');
    await writeFile(join(b, 'other.md'), '# Other\n\nOther text.\n');
    const gw = await createGroundwork({ config: { dataDir: 'memory://' }, useEnvironment: false });
    try {
      await gw.ingest([a]);
      await gw.ingest([b]);
      await unlink(join(a, 'gone.md'));
      const summary = await gw.ingest([a], { prune: true });
      expect(summary.documents).toMatchObject({ deleted: 1, unchanged: 1 });
      const { rows } = await gw.db.query<{ source: string }>('SELECT source FROM documents ORDER BY source');
      expect(rows.map((r) => r.source)).toEqual(['keep.md', 'other.md']);
    } finally {
      await gw.close();
    }
  });
});
