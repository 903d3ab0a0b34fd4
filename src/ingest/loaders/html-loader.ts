import type { Loader } from '../types.js';
import { baseTitle, decodeText, requireContent } from './decode-text.js';
import { htmlToMarkdown } from './html-to-markdown.js';

const HTML_START = /^\s*(<!--[\s\S]*?-->\s*)*<(!doctype html|html|head|body)\b/i;
const META_CHARSET = /<meta[^>]+charset=["']?([\w-]+)/i;

/** HTML pages: main content as markdown (headings kept), boilerplate dropped; declared charsets honored. */
export function createHtmlLoader(): Loader {
  return {
    name: 'html',
    extensions: ['.html', '.htm', '.xhtml'],
    sniff: (head) => HTML_START.test(new TextDecoder().decode(head.subarray(0, 1024))),
    async load({ path, relativePath, bytes, mtime }) {
      const charset = META_CHARSET.exec(new TextDecoder('latin1').decode(bytes.subarray(0, 2048)))?.[1];
      const { markdown, title, metadata } = htmlToMarkdown(decodeText(bytes, path, charset));
      requireContent(markdown, path);
      return [{ externalId: relativePath, source: path, title: title ?? baseTitle(relativePath), text: markdown, format: 'markdown', metadata: { modifiedAt: mtime.toISOString(), ...metadata } }];
    },
  };
}
