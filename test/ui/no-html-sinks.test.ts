import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const UI = resolve(import.meta.dirname, '..', '..', 'src', 'ui');
/** Ways a string becomes markup in a page. The console renders every text (answers, quotes, documents) as text nodes. */
const HTML_SINKS = /dangerouslySetInnerHTML|\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|\beval\(|new Function\(/;

describe('the console source', () => {
  it('has no HTML sink: no text it shows can be parsed as markup', () => {
    const files = readdirSync(UI).filter((name) => /\.(ts|tsx)$/.test(name));
    expect(files.length).toBeGreaterThan(5);
    const offenders = files.flatMap((name) =>
      readFileSync(join(UI, name), 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${name}:${i + 1}`, line }))
        .filter(({ line }) => HTML_SINKS.test(line)),
    );
    expect(offenders).toEqual([]);
  });

  it('loads nothing from another origin', () => {
    const page = readFileSync(join(UI, 'index.html'), 'utf8');
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page).not.toMatch(/<script>[^<]/); // no inline script: the CSP would block it anyway
  });
});
