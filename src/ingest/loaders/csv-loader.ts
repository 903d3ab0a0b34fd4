import { parse } from 'csv-parse/sync';
import type { LoadedDocument, Loader } from '../types.js';
import { baseTitle, decodeText, plainTitle, requireContent } from './decode-text.js';
import { SkipError } from './load-skip.js';

/** How CSV rows become documents. */
export interface CsvOptions {
  /** Rows per document; every document repeats the header row. */
  rowsPerDocument: number;
  /** Column whose value identifies a row (with rowsPerDocument 1): externalId `path#value`. */
  idColumn?: string;
  /** Column used as the title (with rowsPerDocument 1). */
  titleColumn?: string;
  /** Field delimiter; default: tab for .tsv, else the most frequent of , ; tab in the header line. */
  delimiter?: string;
}

export const DEFAULT_CSV_OPTIONS: CsvOptions = { rowsPerDocument: 1 };

/**
 * CSV and TSV files: groups of rows become documents rendered as markdown tables with the header
 * row, so the markdown chunker keeps rows whole and repeats the header. Inconsistent column counts
 * or broken quoting skip the file as 'malformed-csv', naming the line.
 */
export function createCsvLoader(options: CsvOptions = DEFAULT_CSV_OPTIONS): Loader {
  return {
    name: 'csv',
    extensions: ['.csv', '.tsv'],
    async load({ path, relativePath, bytes, mtime }) {
      const raw = decodeText(bytes, path);
      requireContent(raw, path);
      const delimiter = options.delimiter ?? (/\.tsv$/i.test(path) ? '\t' : guessDelimiter(raw));
      let rows: string[][];
      try {
        rows = parse(raw, { delimiter, bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
      } catch (error) {
        throw new SkipError(path, 'malformed-csv', (error as Error).message, error);
      }
      if (rows.length < 2) throw new SkipError(path, 'empty', 'a header row but no data rows');
      const [header, ...data] = rows;
      const column = (name: string | undefined) => {
        if (name === undefined) return -1;
        const index = header.indexOf(name);
        if (index < 0) throw new SkipError(path, 'malformed-csv', `no column "${name}" in header (${header.join(', ')})`);
        return index;
      };
      const idIndex = column(options.idColumn);
      const titleIndex = column(options.titleColumn);
      const documents: LoadedDocument[] = [];
      const size = Math.max(1, options.rowsPerDocument);
      for (let first = 0; first < data.length; first += size) {
        const group = data.slice(first, first + size);
        // Line numbers count the header as line 1.
        const [firstLine, lastLine] = [first + 2, first + group.length + 1];
        const single = group.length === 1 && size === 1;
        const id = single && idIndex >= 0 ? group[0][idIndex] : undefined;
        const title = single && titleIndex >= 0 ? plainTitle(group[0][titleIndex]) : `${baseTitle(relativePath)} rows ${firstLine}-${lastLine}`;
        documents.push({
          externalId: id ? `${relativePath}#${id}` : `${relativePath}#rows-${firstLine}-${lastLine}`,
          source: `${path}#L${firstLine}`,
          title,
          text: markdownTable(header, group),
          format: 'markdown',
          metadata: { modifiedAt: mtime.toISOString(), rows: [firstLine, lastLine], ...(single ? Object.fromEntries(header.map((name, i) => [name, group[0][i]])) : {}) },
        });
      }
      return documents;
    },
  };
}

function guessDelimiter(raw: string): string {
  const header = raw.split('\n', 1)[0];
  const counts = [',', ';', '\t'].map((candidate) => [candidate, header.split(candidate).length - 1] as const);
  return counts.reduce((best, current) => (current[1] > best[1] ? current : best))[0];
}

function markdownTable(header: string[], rows: string[][]): string {
  const cell = (value: string) => value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').trim();
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), `|${' --- |'.repeat(header.length)}`, ...rows.map(line)].join('\n');
}
