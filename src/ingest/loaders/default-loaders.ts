import type { Loader } from '../types.js';
import { createCsvLoader, DEFAULT_CSV_OPTIONS, type CsvOptions } from './csv-loader.js';
import { createDocxLoader } from './docx-loader.js';
import { createHtmlLoader } from './html-loader.js';
import { createJsonLoader, DEFAULT_JSON_FIELDS, type JsonFieldMapping } from './json-loader.js';
import { createMarkdownLoader } from './markdown-loader.js';
import { createPdfLoader } from './pdf-loader.js';
import { createTextLoader } from './text-loader.js';

/** The loaders groundwork ships: text, markdown, HTML, PDF, DOCX, JSON/JSONL, CSV/TSV. */
export function defaultLoaders(options: { json?: JsonFieldMapping; csv?: CsvOptions } = {}): Loader[] {
  return [
    createTextLoader(),
    createMarkdownLoader(),
    createHtmlLoader(),
    createPdfLoader(),
    createDocxLoader(),
    createJsonLoader(options.json ?? DEFAULT_JSON_FIELDS),
    createCsvLoader(options.csv ?? DEFAULT_CSV_OPTIONS),
  ];
}
