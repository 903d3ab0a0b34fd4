import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { Qrels } from './types.js';

/**
 * Parses relevance judgments in either layout, detected per file:
 * - BEIR TSV: header `query-id<TAB>corpus-id<TAB>score`, then `qid docid score`;
 * - TREC qrels: `qid iteration docid relevance` (4 whitespace-separated fields, no header).
 * Relevance must be an integer; negative grades (some TREC tracks) are kept and count as not relevant.
 */
export function parseQrels(text: string, source = 'qrels'): Qrels {
  const lines = text.split(/\r?\n/);
  const qrels: Qrels = new Map();
  const firstIndex = lines.findIndex((line) => line.trim() !== '');
  if (firstIndex === -1) return qrels;
  const first = lines[firstIndex].trim().split(/\s+/);
  const beirHeader = first.length === 3 && Number.isNaN(Number(first[2]));
  const layout: 'beir' | 'trec' = beirHeader || first.length === 3 ? 'beir' : 'trec';
  lines.forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || (beirHeader && index === firstIndex)) return;
    const where = `${source}:${index + 1}`;
    const fields = trimmed.split(/\s+/);
    const expected = layout === 'beir' ? 3 : 4;
    if (fields.length !== expected) {
      const shape = layout === 'beir' ? '"query-id corpus-id score" (BEIR TSV)' : '"qid iteration docid relevance" (TREC)';
      throw new InputError(where, `expected ${expected} fields ${shape}, got ${fields.length}`);
    }
    const [queryId, docId, gradeText] = layout === 'beir' ? fields : [fields[0], fields[2], fields[3]];
    const grade = Number(gradeText);
    if (!Number.isInteger(grade)) throw new InputError(where, `relevance "${gradeText}" is not an integer`);
    const judged = qrels.get(queryId) ?? new Map<string, number>();
    judged.set(docId, grade);
    qrels.set(queryId, judged);
  });
  return qrels;
}

/** Reads and parses a qrels file (BEIR TSV or TREC). */
export async function readQrels(path: string): Promise<Qrels> {
  return parseQrels(await readFile(path, 'utf8'), path);
}
