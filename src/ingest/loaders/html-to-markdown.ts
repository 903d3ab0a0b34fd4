import { HTMLElement, NodeType, parse, type Node } from 'node-html-parser';
import { neutralizeMarkup } from '../../neutralize-markup.js';

/** Elements that are page furniture, not content: dropped with everything inside. */
const BOILERPLATE = new Set(['script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'nav', 'footer', 'aside', 'form', 'button', 'select', 'head', 'dialog']);
const HEADINGS: Record<string, number> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 };
const BLOCKS = new Set(['p', 'div', 'section', 'article', 'main', 'header', 'blockquote', 'figure', 'figcaption', 'dl', 'dt', 'dd', 'address', 'details', 'summary', 'body', 'html', 'hr', 'center']);

/** Result of converting a page: markdown text plus what the head says about it. */
export interface HtmlConversion {
  markdown: string;
  title?: string;
  metadata: Record<string, string>;
}

/**
 * Converts HTML to markdown-style text: the main content (`main`, else `article`, else `body`)
 * with headings as `#` lines, lists as `- ` lines, tables as pipe tables and `pre` as fenced code;
 * navigation, footers, asides, forms and scripts are dropped. Text is decoded, so markup a page
 * wrote as text (`&lt;script&gt;`) would come back live: in the title, headings, paragraphs, lists
 * and tables it is neutralized (`‹script›`, see neutralizeMarkup). `pre` blocks keep their code as
 * written, inside a fence.
 */
export function htmlToMarkdown(html: string): HtmlConversion {
  const root = parse(html, { comment: false, blockTextElements: { script: true, style: true } });
  const title = clean(root.querySelector('title')?.text ?? '') || clean(root.querySelector('meta[property="og:title"]')?.getAttribute('content') ?? '') || undefined;
  const metadata: Record<string, string> = {};
  const description = clean(root.querySelector('meta[name="description"]')?.getAttribute('content') ?? '');
  if (description) metadata.description = description;
  const lang = root.querySelector('html')?.getAttribute('lang');
  if (lang) metadata.lang = lang;
  const main = root.querySelector('main') ?? root.querySelector('[role="main"]') ?? root.querySelector('article') ?? root.querySelector('body') ?? root;
  for (const header of main.querySelectorAll('header')) if (header.querySelector('nav')) header.remove();
  for (const hidden of main.querySelectorAll('[aria-hidden="true"], [hidden], [role="navigation"]')) hidden.remove();
  const blocks: string[] = [];
  let inline = '';
  const flush = () => {
    const text = clean(inline);
    if (text) blocks.push(text);
    inline = '';
  };
  const walk = (node: Node, listDepth: number): void => {
    if (node.nodeType === NodeType.TEXT_NODE) {
      inline += node.text;
      return;
    }
    if (!(node instanceof HTMLElement)) return;
    const tag = node.tagName?.toLowerCase() ?? '';
    if (BOILERPLATE.has(tag)) return;
    if (tag in HEADINGS) {
      flush();
      const text = clean(node.text);
      if (text) blocks.push(`${'#'.repeat(HEADINGS[tag])} ${text}`);
      return;
    }
    if (tag === 'br') {
      inline += '\n';
      return;
    }
    if (tag === 'pre') {
      flush();
      const code = node.querySelector('code');
      const language = /(?:lang(?:uage)?-)([\w+#-]+)/.exec(`${code?.getAttribute('class') ?? ''} ${node.getAttribute('class') ?? ''}`)?.[1] ?? '';
      blocks.push(`\`\`\`${language}\n${node.text.replace(/^\n/, '').replace(/\s+$/, '')}\n\`\`\``);
      return;
    }
    if (tag === 'ul' || tag === 'ol') {
      flush();
      const lines = listLines(node, listDepth);
      if (lines.length > 0) blocks.push(lines.join('\n'));
      return;
    }
    if (tag === 'table') {
      flush();
      const table = tableMarkdown(node);
      if (table) blocks.push(table);
      return;
    }
    const block = BLOCKS.has(tag);
    if (block) flush();
    for (const child of node.childNodes) walk(child, listDepth);
    if (block) flush();
  };
  walk(main, 0);
  flush();
  return { markdown: blocks.join('\n\n'), title: title ?? (clean(main.querySelector('h1')?.text ?? '') || undefined), metadata };
}

/** List items as `- ` (or `1. `) lines, nested lists indented. */
function listLines(list: HTMLElement, depth: number): string[] {
  const ordered = list.tagName.toLowerCase() === 'ol';
  const lines: string[] = [];
  let number = 1;
  for (const item of list.childNodes) {
    if (!(item instanceof HTMLElement) || item.tagName.toLowerCase() !== 'li') continue;
    const own = item.childNodes
      .filter((child) => !(child instanceof HTMLElement && ['ul', 'ol'].includes(child.tagName.toLowerCase())))
      .map((child) => child.text)
      .join('');
    lines.push(`${'  '.repeat(depth)}${ordered ? `${number++}.` : '-'} ${clean(own)}`);
    for (const nested of item.childNodes) {
      if (nested instanceof HTMLElement && ['ul', 'ol'].includes(nested.tagName.toLowerCase())) lines.push(...listLines(nested, depth + 1));
    }
  }
  return lines;
}

/** A pipe table; the first row is the header. */
function tableMarkdown(table: HTMLElement): string {
  const rows = table.querySelectorAll('tr').map((row) =>
    row.childNodes
      .filter((cell): cell is HTMLElement => cell instanceof HTMLElement && ['td', 'th'].includes(cell.tagName.toLowerCase()))
      .map((cell) => clean(cell.text).replace(/\|/g, '\\|')),
  );
  const nonEmpty = rows.filter((row) => row.length > 0);
  if (nonEmpty.length === 0) return '';
  const width = Math.max(...nonEmpty.map((row) => row.length));
  const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? '').join(' | ')} |`;
  return [line(nonEmpty[0]), `|${' --- |'.repeat(width)}`, ...nonEmpty.slice(1).map(line)].join('\n');
}

/** Collapses whitespace runs (newlines from <br> kept), trims, and neutralizes decoded markup. */
function clean(text: string): string {
  return neutralizeMarkup(text)
    .split('\n')
    .map((line) => line.replace(/[ \t\r\f\v\u00a0]+/g, ' ').trim())
    .filter((line, index, lines) => line || (index > 0 && lines[index - 1]))
    .join('\n')
    .trim();
}
