/** A block of markdown: what the structure-aware chunker keeps whole when it can. */
export type MarkdownBlock =
  | { kind: 'heading'; start: number; end: number; level: number; title: string }
  | { kind: 'paragraph'; start: number; end: number }
  | { kind: 'table'; start: number; end: number; headerEnd: number }
  | { kind: 'fence'; start: number; end: number; openLineEnd: number; closeLineStart?: number; marker: string; language: string };

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const TABLE_SEPARATOR = /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/;

/**
 * Parses text[start, end) into ATX headings, fenced code blocks, pipe tables and paragraphs (lists
 * and quotes included). Block ends exclude the final newline; blank lines separate blocks.
 */
export function parseMarkdownBlocks(text: string, start: number, end: number): MarkdownBlock[] {
  const lines: Array<[number, number]> = [];
  for (let pos = start; pos < end; ) {
    let lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0 || lineEnd > end) lineEnd = end;
    lines.push([pos, lineEnd]);
    pos = lineEnd + 1;
  }
  const line = (i: number) => text.slice(lines[i][0], lines[i][1]).replace(/\r$/, '');
  const isBlank = (i: number) => !/\S/.test(line(i));
  const isTableStart = (i: number) => i + 1 < lines.length && line(i).includes('|') && line(i + 1).includes('-') && TABLE_SEPARATOR.test(line(i + 1)) && line(i + 1).includes('|');
  const blocks: MarkdownBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    if (isBlank(i)) {
      i++;
      continue;
    }
    const current = line(i);
    const fence = FENCE_OPEN.exec(current);
    if (fence) {
      const marker = fence[1];
      let j = i + 1;
      while (j < lines.length) {
        const close = FENCE_CLOSE.exec(line(j));
        if (close && close[1][0] === marker[0] && close[1].length >= marker.length) break;
        j++;
      }
      const closed = j < lines.length;
      const last = closed ? j : lines.length - 1;
      blocks.push({
        kind: 'fence',
        start: lines[i][0],
        end: lines[last][1],
        openLineEnd: Math.min(lines[i][1] + 1, end),
        closeLineStart: closed ? lines[j][0] : undefined,
        marker,
        language: fence[2] ?? '',
      });
      i = last + 1;
      continue;
    }
    const heading = HEADING.exec(current);
    if (heading) {
      blocks.push({ kind: 'heading', start: lines[i][0], end: lines[i][1], level: heading[1].length, title: (heading[2] ?? '').trim() });
      i++;
      continue;
    }
    if (isTableStart(i)) {
      let j = i + 2;
      while (j < lines.length && !isBlank(j) && line(j).includes('|')) j++;
      blocks.push({ kind: 'table', start: lines[i][0], end: lines[j - 1][1], headerEnd: Math.min(lines[i + 1][1] + 1, end) });
      i = j;
      continue;
    }
    let j = i + 1;
    while (j < lines.length && !isBlank(j) && !FENCE_OPEN.test(line(j)) && !HEADING.test(line(j)) && !isTableStart(j)) j++;
    blocks.push({ kind: 'paragraph', start: lines[i][0], end: lines[j - 1][1] });
    i = j;
  }
  return blocks;
}
