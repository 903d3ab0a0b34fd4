import { neutralizeMarkup } from '../../neutralize-markup.js';

/** Elements whose content is code or furniture, not text: dropped with what is inside. */
const DROPPED_ELEMENTS = /<(script|style|noscript|template)\b(?:"[^"]*"|'[^']*'|[^'">])*>[\s\S]*?(?:<\/\1\s*>|$)/gi;
/** An HTML comment; an unclosed one runs to the end, as in HTML. */
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
/**
 * A start or end tag: a letter after `<` (or `</`), then whitespace, `/` or `>`, so CommonMark
 * autolinks (`<https://…>`, `<me@example.com>`) are not tags. Quoted attribute values may hold `>`.
 */
const TAG = /<\/?[A-Za-z][A-Za-z0-9-]*(?=[\s/>])(?:"[^"]*"|'[^']*'|[^'"<>])*>/g;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
/** A CommonMark code span: a run of backticks closed by a run of the same length. */
const CODE_SPAN = /(?<!`)(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g;

/**
 * Raw HTML inside Markdown reduced to its text: script, style, noscript and template elements and
 * comments are dropped with their content, other tags are removed and their text kept (`<br>` is a
 * line break), and whatever still looks like markup is neutralized (see neutralizeMarkup). Fenced code
 * blocks and code spans are left as written: there HTML is the content, and Markdown shows it as code.
 * @example stripRawHtml('<p align="center"><b>Fast</b> <script>x()</script></p>') // 'Fast '
 */
export function stripRawHtml(markdown: string): string {
  if (!markdown.includes('<')) return markdown;
  const out: string[] = [];
  let prose: string[] = [];
  let fence: string | undefined;
  const flush = () => {
    if (prose.length > 0) out.push(reduceOutsideCodeSpans(prose.join('\n')));
    prose = [];
  };
  for (const line of markdown.split('\n')) {
    if (fence !== undefined) {
      out.push(line);
      const close = FENCE_OPEN.exec(line);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length && line.trim() === close[1]) fence = undefined;
      continue;
    }
    const open = FENCE_OPEN.exec(line);
    if (open) {
      flush();
      fence = open[1];
      out.push(line);
      continue;
    }
    prose.push(line);
  }
  flush();
  return out.join('\n');
}

function reduceOutsideCodeSpans(text: string): string {
  let result = '';
  let last = 0;
  for (const match of text.matchAll(CODE_SPAN)) {
    result += reduceHtml(text.slice(last, match.index));
    result += match[0];
    last = match.index + match[0].length;
  }
  return result + reduceHtml(text.slice(last));
}

/**
 * HTML reduced to text: dropped elements and comments removed, tags removed (text kept), repeated
 * until nothing changes (so `<scr<script></script>ipt>` cannot reassemble), then neutralized.
 */
export function reduceHtml(text: string): string {
  if (!text.includes('<')) return text;
  let previous: string;
  do {
    previous = text;
    text = text
      .replace(COMMENT, '')
      .replace(DROPPED_ELEMENTS, '')
      .replace(TAG, (tag) => (/^<br\b/i.test(tag) ? '\n' : ''));
  } while (text !== previous);
  return neutralizeMarkup(text);
}
