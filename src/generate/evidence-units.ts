import { withoutLinkMarkup } from '../markdown-links.js';
import type { RetrievedChunk } from '../retrieve/types.js';
import { markdownTables } from './table-row-units.js';
import { wholeSentences } from './whole-sentence.js';

/** A quotable piece of a chunk: a whole sentence, or a table row with its header. */
export interface EvidenceUnit {
  text: string;
  kind: 'sentence' | 'row';
  /** Order of the unit in its chunk (0 first). */
  position: number;
  /** The chunk's title and heading path: the context every unit of the chunk is read in. */
  context: string;
}

/** Sentences shorter than this many words are headings or fragments, not answers. */
const MIN_SENTENCE_WORDS = 3;

/**
 * Words a reader sees: Markdown links and images count by their text, not their address, and a
 * link definition ("[docs]: https://...") or badge line ("[![build](https://...)](https://...)")
 * has none worth quoting.
 */
function readableWords(sentence: string): number {
  // Most sentences hold no link, image or address: their words as they stand.
  const text = /[[\]]|https?:/.test(sentence)
    ? withoutLinkMarkup(sentence.replace(/(?:^|\s)\[[^\]]+\]:\s*\S+/g, ' ')).replace(/\(?https?:\/\/[^\s)]*\)?/g, ' ')
    : sentence;
  const words = text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  // What is left of badge images ("Slack Community](https://…)](https://…)"): a label, not a sentence.
  return /\)\]\(|\[!\[/.test(sentence) && words < BADGE_MAX_WORDS ? 0 : words;
}

/** Fewer readable words than this beside image-link remnants: a badge line. */
const BADGE_MAX_WORDS = 8;

/** Markdown heading lines and the chunk's own section titles are labels, not answers. */
function isHeading(sentence: string, headingPath: readonly string[]): boolean {
  if (/^#{1,6}\s/.test(sentence)) return true;
  const bare = (text: string) => text.replace(/^[#\s]*(?:\d+(?:\.\d+)*\.?\s*)?/, '').trim().toLowerCase();
  const needle = bare(sentence);
  return headingPath.some((heading) => bare(heading) === needle);
}

/**
 * The answer units of a chunk, in order: its whole sentences (completed from the neighbouring
 * chunks' text when the chunk boundary cuts one, see `wholeSentences`), with Markdown table lines
 * replaced by one unit per data row ("Plan: Premium; Sustained requests per minute: 3,000"), each
 * with the chunk's title and heading path as context.
 * @example evidenceUnits(chunk).filter((unit) => unit.kind === 'row')
 */
export function evidenceUnits(chunk: Pick<RetrievedChunk, 'text' | 'title' | 'headingPath' | 'edges'>): EvidenceUnit[] {
  const context = [chunk.title, ...chunk.headingPath].filter((part) => part && part.trim().length > 0).join(' / ');
  const tables = markdownTables(chunk.text);
  const inTable = (start: number, end: number) => tables.some((table) => start >= table.start && end <= table.end + 1);
  const pieces: Array<{ start: number; unit: Omit<EvidenceUnit, 'position'> }> = [];
  for (const sentence of wholeSentences(chunk.text, chunk.edges)) {
    if (inTable(sentence.start, sentence.end) || /^\s*\|/.test(chunk.text.slice(sentence.start, sentence.end))) continue;
    if (readableWords(sentence.text) < MIN_SENTENCE_WORDS || isHeading(sentence.text, chunk.headingPath)) continue;
    pieces.push({ start: sentence.start, unit: { text: sentence.text, kind: 'sentence', context } });
  }
  for (const table of tables) {
    for (const row of table.rows) pieces.push({ start: row.start, unit: { text: row.text, kind: 'row', context } });
  }
  return pieces.sort((a, b) => a.start - b.start).map(({ unit }, position) => ({ ...unit, position }));
}
