import { parse as parseYaml } from 'yaml';
import type { Loader } from '../types.js';
import { baseTitle, decodeText, requireContent } from './decode-text.js';
import { SkipError } from './load-skip.js';

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
const FIRST_H1 = /^ {0,3}#[ \t]+(.+?)[ \t#]*$/m;

/**
 * Markdown files: YAML front matter becomes metadata (dates as ISO strings) and is removed from the
 * text; the title is front matter `title`, else the first H1, else the file name.
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
      const text = match ? raw.slice(match[0].length) : raw;
      requireContent(text, path);
      const title = typeof frontMatter.title === 'string' && frontMatter.title.trim() ? frontMatter.title.trim() : (FIRST_H1.exec(text)?.[1] ?? baseTitle(relativePath));
      return [{ externalId: relativePath, source: path, title, text, format: 'markdown', metadata: { modifiedAt: mtime.toISOString(), ...frontMatter } }];
    },
  };
}

/** YAML values made JSON-safe: dates become ISO strings. */
function jsonSafe(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonSafe(item)]));
  return value;
}
