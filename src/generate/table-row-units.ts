/** One data row of a Markdown table, rendered with its header, and where the row's line lies. */
export interface TableRowUnit {
  /** "Plan: Premium; Sustained requests per minute: 3,000; Burst: 500". */
  text: string;
  /** Offsets of the row's line in the text (end exclusive). */
  start: number;
  end: number;
}

/** A Markdown table: its row units and the span of all its lines (header and separator included). */
export interface MarkdownTable {
  rows: TableRowUnit[];
  start: number;
  end: number;
}

const TABLE_LINE = /^\s*\|.*\|\s*$/;
const SEPARATOR_CELL = /^\s*:?-{3,}:?\s*$/;

function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.replace(/\\\|/g, '|').replace(/\*\*|__|`/g, '').trim());
}

/**
 * Markdown tables of a text (the form the Markdown, HTML, CSV and JSON loaders give tables), each
 * data row as an answer unit: `header: cell` pairs joined by "; ", empty cells left out. A table
 * whose header the chunk boundary cut off (rows with no header and separator above them) is
 * rendered cell by cell, joined by "; ".
 * @example markdownTables('| Plan | Burst |\n|---|---|\n| Premium | 500 |')[0].rows[0].text // 'Plan: Premium; Burst: 500'
 */
export function markdownTables(text: string): MarkdownTable[] {
  const lines: Array<{ line: string; start: number; end: number }> = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    lines.push({ line, start: offset, end: offset + line.length });
    offset += line.length + 1;
  }
  const tables: MarkdownTable[] = [];
  for (let i = 0; i < lines.length; ) {
    if (!TABLE_LINE.test(lines[i].line)) {
      i += 1;
      continue;
    }
    const first = i;
    while (i < lines.length && TABLE_LINE.test(lines[i].line)) i += 1;
    const block = lines.slice(first, i);
    const separatorIndex = block.findIndex(({ line }) => cells(line).every((cell) => SEPARATOR_CELL.test(cell)));
    const header = separatorIndex === 1 ? cells(block[0].line) : undefined;
    const dataRows = block.filter((_, index) => (header ? index > separatorIndex : index !== separatorIndex));
    const rows = dataRows
      .map(({ line, start, end }) => {
        const values = cells(line);
        const parts = values
          .map((value, column) => (value.length === 0 ? '' : header?.[column] ? `${header[column]}: ${value}` : value))
          .filter((part) => part.length > 0);
        return { text: parts.join('; '), start, end };
      })
      .filter((row) => row.text.length > 0);
    tables.push({ rows, start: block[0].start, end: block[block.length - 1].end });
  }
  return tables;
}
