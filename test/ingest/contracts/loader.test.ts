import { describe, expect, it } from 'vitest';
import { defaultLoaders } from '../../../src/ingest/loaders/default-loaders.js';
import type { Loader } from '../../../src/ingest/types.js';
import { makeDocx } from '../../fixtures/ingest/make-docx.js';
import { makePdf } from '../../fixtures/ingest/make-pdf.js';
import { loaderContract, type LoaderContractSubject } from './loader.contract.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A sample file per loader name: every loader groundwork ships needs one here. */
const samples: Record<string, LoaderContractSubject['sample']> = {
  text: { name: 'notes.txt', bytes: utf8('Plain notes about the zebra migration.\nSecond line.'), phrase: 'zebra migration' },
  markdown: { name: 'guide.md', bytes: utf8('---\ntitle: Guide\n---\n# Zebras\n\nThe zebra migration starts in May.\n\n## Later\n\nMore text.'), phrase: 'zebra migration' },
  html: { name: 'page.html', bytes: utf8('<html><head><title>Page</title></head><body><h1>Zebras</h1><p>The zebra migration starts in May.</p></body></html>'), phrase: 'zebra migration' },
  pdf: { name: 'report.pdf', bytes: makePdf([['The zebra migration report'], ['Page two text']]), phrase: 'zebra migration' },
  docx: { name: 'memo.docx', bytes: makeDocx([{ text: 'Zebras', heading: 1 }, { text: 'The zebra migration starts in May.' }]), phrase: 'zebra migration' },
  json: { name: 'records.jsonl', bytes: utf8('{"id":"a","title":"A","text":"The zebra migration starts in May."}\n{"id":"b","title":"B","text":"Another record."}\n'), phrase: 'zebra migration' },
  csv: { name: 'rows.csv', bytes: utf8('id,title,text\n1,A,The zebra migration starts in May.\n2,B,Another row.\n'), phrase: 'zebra migration' },
};

const loaders: Loader[] = defaultLoaders();

describe('every shipped loader has a contract sample', () => {
  it('names them all', () => {
    expect(loaders.map((l) => l.name).sort()).toEqual(Object.keys(samples).sort());
  });
});

for (const loader of loaders) {
  const sample = samples[loader.name];
  if (sample) loaderContract({ loader, sample });
}
