import { parse as parseYaml } from 'yaml';
import type { Loader } from '../types.js';
import { baseTitle, decodeText, requireContent } from './decode-text.js';
import { SkipError } from './load-skip.js';
import { markdownTitle } from './markdown-title.js';
import { stripRawHtml } from './strip-raw-html.js';

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const FIRST_H1 = /^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$/m;
/** A setext H1: a line of text underlined with `=`. */
const SETEXT_H1 = /^ {0,3}(\S.*)\r?\n {0,3}=+[ \t]*$/m;
/** READMEs often open with a centered `<h1>` instead of a `#` line. */
const HTML_H1 = /<h1\b[^>]*>([\s\S]*?)<\/h1\s*>/i;

/**
 * Markdown files: YAML front matter becomes metadata (dates as ISO strings) and is removed from the
 * text; the title is front matter `title`, else the first H1 (`#`, setext or `<h1>`), else the file
 * name, always as plain text (see markdownTitle). Raw HTML in the text is reduced to its text
 * (stripRawHtml): documents are data, and their markup never reaches an answer live.
 */
export function createMarkdownLoader(): Loader {
  return {
    name: 'markdown',
    extensions: ['.md', '.markdown', '.mdx'],
    async load({ path, relativePath, bytes, mtime }) {
      const raw = decodeText(bytes, path);
      const match = FRONT_MATTER.exec(raw);
      let frontMatter: Record<string, unknown> = {};
      if (match) {
        let parsed: unknown;
        try {
          parsed = parseYaml(match[1]);
        } catch (error) {
          throw new SkipError(path, 'malformed-front-matter', (error as Error).message.split('\n')[0], error);
        }
        if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
          throw new SkipError(path, 'malformed-front-matter', 'front matter is not a key: value mapping');
        }
        frontMatter = jsonSafe(parsed ?? {}) as Record<string, unknown>;
      }
      const body = match ? raw.slice(match[0].length) : raw;
      const text = stripRawHtml(body);
      requireContent(text, path);
      const title = (typeof frontMatter.title === 'string' ? markdownTitle(frontMatter.title) : '') || firstHeading(body) || baseTitle(relativePath);
      return [{ externalId: relativePath, source: path, title, text, format: 'markdown', metadata: { modifiedAt: mtime.toISOString(), ...frontMatter } }];
    },
  };
}

/** Every `#` H1 line, outside fenced code. */
function atxH1Count(markdown: string): number {
  let count = 0;
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^ {0,3}(?:```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && /^ {0,3}#[ \t]+\S/.test(line)) count += 1;
  }
  return count;
}

/** Whether the text holds a line a reader reads as prose: not blank, not only badges, images, links, addresses or HTML tags. */
function hasProse(text: string): boolean {
  return text.split('\n').some((line) => /[\p{L}\p{N}]{2}/u.test(markdownTitle(line).replace(/https?:\/\/\S*/g, '')));
}

/**
 * The first H1 of the document (`#` line, setext or `<h1>`, whichever comes first) as plain text, or ''.
 * Not a `#` heading that prose comes before in a document of several: those are its sections
 * ("# Features", "# Quick Start" after the README's introduction), and the file name titles it.
 */
function firstHeading(markdown: string): string {
  const atx = FIRST_H1.exec(markdown);
  const found = [atx, SETEXT_H1.exec(markdown), HTML_H1.exec(markdown)]
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => a.index - b.index);
  if (found[0] === atx && atx && atxH1Count(markdown) > 1 && hasProse(markdown.slice(0, atx.index))) return '';
  for (const match of found) {
    const title = markdownTitle(match[1]);
    if (title) return title;
  }
  return '';
}

/** YAML values made JSON-safe: dates become ISO strings. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafe(item)]));
  return value;
}
