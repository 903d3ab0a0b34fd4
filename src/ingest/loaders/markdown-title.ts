import { withoutLinkMarkup } from '../../markdown-links.js';
import { neutralizeMarkup } from '../../neutralize-markup.js';
import { reduceHtml } from './strip-raw-html.js';

const AUTOLINK = /<((?:https?|mailto):[^\s<>]*|[^\s<>@]+@[^\s<>]+)>/gi;
const CODE_SPAN = /(`+)([\s\S]*?[^`])\1(?!`)/g;
const ESCAPED = /\\([!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~])/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|(amp|lt|gt|quot|apos|nbsp));/gi;

/**
 * A Markdown heading (or front-matter title) as plain text: images and badges dropped, links reduced
 * to their text, raw HTML reduced to its text, emphasis, strike-through and code markers removed,
 * backslash escapes and common entities resolved, whitespace collapsed, and any markup left
 * neutralized. Empty when nothing but markup was there.
 * @example markdownTitle('uuid [![CI](https://ci.example/badge.svg)](https://ci.example) *fast*') // 'uuid fast'
 */
export function markdownTitle(inline: string): string {
  let text = inline.replace(CODE_SPAN, (_, _ticks: string, code: string) => code.trim());
  text = reduceHtml(withoutLinkMarkup(text).replace(AUTOLINK, '$1'))
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/(^|[^\w\\*])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, '$1$2')
    .replace(/(^|[^\w\\])_(?=\S)([^_]*?\S)_(?!\w)/g, '$1$2')
    .replace(ESCAPED, '$1')
    .replace(ENTITY, (entity, decimal?: string, hex?: string, name?: string) => {
      if (name) return ENTITIES[name.toLowerCase()];
      const code = decimal ? Number(decimal) : Number.parseInt(hex!, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    });
  return neutralizeMarkup(text.replace(/\s+/g, ' ').trim());
}
