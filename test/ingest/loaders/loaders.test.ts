import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoaderRegistry } from '../../../src/ingest/loaders/loader-registry.js';
import { defaultLoaders } from '../../../src/ingest/loaders/default-loaders.js';
import { loadFile, type LoadResult } from '../../../src/ingest/loaders/load-file.js';
import { createMarkdownChunker } from '../../../src/ingest/chunkers/markdown-chunker.js';
import { createTiktokenCounter } from '../../../src/models/tokens/tiktoken-counter.js';
import type { Loader } from '../../../src/ingest/types.js';
import { makeDocx } from '../../fixtures/ingest/make-docx.js';
import { makePdf } from '../../fixtures/ingest/make-pdf.js';

let dir: string;
const registry = createLoaderRegistry(defaultLoaders());
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gw-loaders-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function load(name: string, content: string | Uint8Array, options: { maxFileBytes?: number } = {}, reg = registry): Promise<LoadResult> {
  const path = join(dir, name);
  await writeFile(path, content);
  return loadFile({ path, relativePath: name }, reg, options);
}
async function documents(name: string, content: string | Uint8Array) {
  const result = await load(name, content);
  if (!result.ok) throw new Error(`expected documents, got skip ${JSON.stringify(result.skip)}`);
  return result.documents;
}
async function skipReason(name: string, content: string | Uint8Array, options: { maxFileBytes?: number } = {}) {
  const result = await load(name, content, options);
  if (result.ok) throw new Error(`expected a skip, got ${result.documents.length} documents`);
  return result.skip.reason;
}

describe('loaders', () => {
  it('text: whole file, titled by its name', async () => {
    const [doc] = await documents('notes.txt', 'Plain words.\nSecond line.');
    expect(doc).toMatchObject({ externalId: 'notes.txt', title: 'notes', text: 'Plain words.\nSecond line.', format: 'text' });
    expect(typeof doc.metadata.modifiedAt).toBe('string');
  });

  it('markdown: front matter to metadata, title from it or the first H1', async () => {
    const [withFront] = await documents('a.md', '---\ntitle: Release notes\ntags: [ops, db]\ndate: 2024-05-01\n---\n# Heading one\n\nBody.');
    expect(withFront.title).toBe('Release notes');
    expect(withFront.metadata).toMatchObject({ tags: ['ops', 'db'], date: '2024-05-01' });
    expect(withFront.text).toBe('# Heading one\n\nBody.');
    const [plain] = await documents('b.md', 'Intro line\n\n# The Title\n\ntext');
    expect(plain.title).toBe('The Title');
    expect(plain.format).toBe('markdown');
    // Several H1s after an introduction are sections, not the title: the file names it.
    const readme = '[![logo](https://example.com/logo.svg)](https://example.com)\n[![build](https://ci.example/badge.svg)](https://ci.example)\n\nA robust Redis client.\n\n# Features\n\nFast.\n\n# Quick Start\n\nInstall it.';
    expect((await documents('ioredis.md', readme))[0].title).toBe('ioredis');
    // The first H1 after badges alone still titles the document, several H1s or not.
    const badged = '[![build](https://ci.example/badge.svg)](https://ci.example)\n\n# semver\n\nText.\n\n# Usage\n\nMore.';
    expect((await documents('README.md', badged))[0].title).toBe('semver');
  });

  it('html: main content with headings as markdown, boilerplate dropped', async () => {
    const html = `<!doctype html><html lang="en"><head><title>Page title</title><meta name="description" content="About things"><style>p{}</style></head>
      <body><header><nav><a href="/">Home</a> <a href="/x">Menu item</a></nav></header>
      <main><h1>Main heading</h1><p>First &amp; <b>bold</b> paragraph.</p><h2>Sub</h2><ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>
      <table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table><pre><code class="language-js">let x = 1;\nx++;</code></pre></main>
      <footer>Copyright footer</footer><script>alert(1)</script></body></html>`;
    const [doc] = await documents('page.html', html);
    expect(doc.title).toBe('Page title');
    expect(doc.metadata).toMatchObject({ description: 'About things', lang: 'en' });
    expect(doc.text).toBe(
      '# Main heading\n\nFirst & bold paragraph.\n\n## Sub\n\n- one\n- two\n  - nested\n\n| k | v |\n| --- | --- |\n| a | 1 |\n\n```js\nlet x = 1;\nx++;\n```',
    );
    expect(doc.text).not.toMatch(/Menu item|Copyright|alert/);
  });

  it('pdf: one section per page with its page number, which chunks carry', async () => {
    const [doc] = await documents('report.pdf', makePdf([['Revenue grew in the first quarter.', 'Costs stayed flat.'], ['The second page discusses hiring.']]));
    expect(doc.sections).toEqual([
      { text: 'Revenue grew in the first quarter.\nCosts stayed flat.', page: 1 },
      { text: 'The second page discusses hiring.', page: 2 },
    ]);
    expect(doc.metadata.pages).toBe(2);
    const counter = createTiktokenCounter();
    const chunks = await createMarkdownChunker({ maxTokens: 100, tokenCounter: counter }).chunk(doc);
    counter.free();
    expect(chunks.map((chunk) => chunk.page)).toEqual([1, 2]);
  });

  it('docx: headings and paragraphs as markdown', async () => {
    const [doc] = await documents('memo.docx', makeDocx([{ text: 'Quarterly memo', heading: 1 }, { text: 'Opening paragraph.' }, { text: 'Details', heading: 2 }, { text: 'More text.' }]));
    expect(doc.text).toBe('# Quarterly memo\n\nOpening paragraph.\n\n## Details\n\nMore text.');
    expect(doc.title).toBe('Quarterly memo');
  });

  it('jsonl: one document per record with mapped id, title, text and metadata', async () => {
    const docs = await documents('corpus.jsonl', '{"_id":"d1","title":"T1","text":"alpha","year":2020}\n\n{"_id":"d2","title":"T2","text":"beta","year":2021}\n');
    expect(docs.map((doc) => [doc.externalId, doc.title, doc.text, doc.metadata.year])).toEqual([['d1', 'T1', 'alpha', 2020], ['d2', 'T2', 'beta', 2021]]);
    const [beir] = await documents('beir.jsonl', '{"_id":"9","title":"","text":"body","metadata":{"source":"pubmed"}}\n');
    expect(beir).toMatchObject({ externalId: '9', title: '9', metadata: { source: 'pubmed' } });
    const [single] = await documents('one.json', '{"content":"single object"}');
    expect(single).toMatchObject({ externalId: 'one.json', text: 'single object' });
  });

  it('json: configurable field mapping with dotted paths', async () => {
    const loader = defaultLoaders({ json: { idFields: ['key'], textFields: ['body.value'], titleFields: ['head'], metadataFields: ['meta.team'] } });
    const result = await load('items.json', JSON.stringify([{ key: 7, head: 'H', body: { value: 'text here' }, meta: { team: 'ops' }, noise: 1 }]), {}, createLoaderRegistry(loader));
    expect(result.ok && result.documents[0]).toMatchObject({ externalId: '7', title: 'H', text: 'text here', metadata: { 'meta.team': 'ops' } });
    expect(result.ok && result.documents[0].metadata.noise).toBeUndefined();
  });

  it('csv: rows as documents with the header kept as a markdown table', async () => {
    const docs = await documents('people.csv', 'name,role\n"Ada, L.",engineer\nGrace,admiral\n');
    expect(docs).toHaveLength(2);
    expect(docs[0]).toMatchObject({ externalId: 'people.csv#rows-2-2', format: 'markdown', text: '| name | role |\n| --- | --- |\n| Ada, L. | engineer |', metadata: { name: 'Ada, L.', role: 'engineer' } });
    const grouped = defaultLoaders({ csv: { rowsPerDocument: 2, delimiter: ';' } });
    const result = await load('g.csv', 'a;b\n1;2\n3;4\n5;6\n', {}, createLoaderRegistry(grouped));
    expect(result.ok && result.documents.map((doc) => doc.text.split('\n').length)).toEqual([4, 3]);
  });

  it('sniffs content when the extension is missing or wrong', async () => {
    expect((await load('no-extension', makePdf([['sniffed pdf']]))).ok && 'pdf').toBe('pdf');
    const wrong = await load('actually-html.json', '<!DOCTYPE html><html><body><h1>Hi</h1><p>x</p></body></html>');
    expect(wrong.ok && wrong.loader).toBe('html');
    const unknown = await load('page.view', '<html><body><p>x</p></body></html>');
    expect(unknown.ok && unknown.loader).toBe('html');
    const readme = await load('README', 'just text');
    expect(readme.ok && readme.loader).toBe('text');
  });

  it('takes user loaders, which win for their extensions', async () => {
    const custom: Loader = {
      name: 'upper',
      extensions: ['.txt'],
      load: async ({ relativePath, bytes }) => [{ externalId: relativePath, source: relativePath, title: 'u', text: Buffer.from(bytes).toString().toUpperCase(), format: 'text', metadata: {} }],
    };
    const result = await load('shout.txt', 'quiet', {}, registry.with(custom));
    expect(result.ok && result.documents[0].text).toBe('QUIET');
    expect(() => createLoaderRegistry([{ ...custom, extensions: ['TXT'] }])).toThrow(/extensions/);
  });
});

describe('bad input is skipped with a specific reason', () => {
  const pdf = makePdf([['Some page text that is long enough.'], ['Another page.']]);
  const cases: Array<[string, string | Uint8Array, string, { maxFileBytes?: number }?]> = [
    ['empty.txt', '', 'empty'],
    ['blank.md', '   \n\n  ', 'empty'],
    ['front-only.md', '---\ntitle: x\n---\n', 'empty'],
    ['binary.txt', new Uint8Array([0x68, 0x69, 0x00, 0x01, 0x02]), 'binary'],
    ['image.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'binary'],
    ['big.txt', 'x'.repeat(2000), 'too-large', { maxFileBytes: 1000 }],
    ['latin1.txt', new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]), 'invalid-utf8'],
    ['truncated.pdf', pdf.slice(0, Math.floor(pdf.length / 2)), 'corrupt'],
    ['garbage.pdf', '%PDF-1.4\nnot really a pdf\n%%EOF\n', 'corrupt'],
    ['locked.pdf', makePdf([['secret']], { encrypted: true }), 'encrypted'],
    ['locked.docx', new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2, 3]), 'encrypted'],
    ['broken.docx', makeDocx([{ text: 'x' }]).slice(0, 200), 'corrupt'],
    ['bad.json', '{"text": "unterminated', 'malformed-json'],
    ['bad.jsonl', '{"text":"ok"}\n{"text": oops}\n', 'malformed-json'],
    ['notext.jsonl', '{"_id":"1","title":"no body"}\n', 'malformed-json'],
    ['bad.csv', 'a,b\n1,2,3\n', 'malformed-csv'],
    ['quote.csv', 'a,b\n"open,2\n', 'malformed-csv'],
    ['front.md', '---\ntitle: [unclosed\n---\nbody', 'malformed-front-matter'],
    ['data.xyz', 'plain text, unknown extension', 'unsupported'],
  ];
  it.each(cases)('%s -> %s', async (name, content, reason, options) => {
    expect(await skipReason(name, content, options)).toBe(reason);
  });

  it('unreadable files and folders', async () => {
    expect((await loadFile({ path: join(dir, 'missing.txt'), relativePath: 'missing.txt' }, registry)).ok).toBe(false);
    const path = join(dir, 'locked.txt');
    await writeFile(path, 'secret');
    await chmod(path, 0o000);
    const result = await loadFile({ path, relativePath: 'locked.txt' }, registry);
    // root reads anything: then the file loads, else it is an 'unreadable' skip
    if (!result.ok) expect(result.skip.reason).toBe('unreadable');
    const missing = await loadFile({ path: join(dir, 'missing.txt'), relativePath: 'missing.txt' }, registry);
    expect(!missing.ok && missing.skip.reason).toBe('unreadable');
    const folder = await loadFile({ path: dir, relativePath: '.' }, registry);
    expect(!folder.ok && folder.skip.reason).toBe('unreadable');
  });
});
