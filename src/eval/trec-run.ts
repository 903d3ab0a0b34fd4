import { readFile, writeFile } from 'node:fs/promises';
import { InputError } from '../errors.js';
import type { RankedDocument, Run } from './types.js';

/** Default run tag written in the sixth column of a TREC run. */
export const DEFAULT_RUN_TAG = 'groundwork';

/**
 * Formats a run as TREC run lines (`qid Q0 docid rank score tag`), ranks from 1 in list order.
 * Query ids are written in the run's insertion order.
 */
export function formatTrecRun(run: Run, tag = DEFAULT_RUN_TAG): string {
  checkToken('tag', tag);
  const lines: string[] = [];
  for (const [queryId, documents] of run) {
    checkToken('queryId', queryId);
    documents.forEach((document, index) => {
      checkToken(`docId of query ${queryId}`, document.docId);
      if (!Number.isFinite(document.score)) {
        throw new InputError(`score of ${queryId}/${document.docId}`, `must be a finite number, got ${document.score}`);
      }
      lines.push(`${queryId} Q0 ${document.docId} ${index + 1} ${document.score} ${tag}`);
    });
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Writes a run file in TREC format. */
export async function writeTrecRun(path: string, run: Run, tag = DEFAULT_RUN_TAG): Promise<void> {
  await writeFile(path, formatTrecRun(run, tag), 'utf8');
}

/**
 * Parses TREC run text. Each query's documents are returned sorted as trec_eval ranks them:
 * score descending, ties broken by document id descending (trec_eval ignores the rank column).
 * A document listed twice for one query is an error, as in trec_eval.
 */
export function parseTrecRun(text: string, source = 'run'): Run {
  const run: Run = new Map();
  const seen = new Map<string, Set<string>>();
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    const where = `${source}:${index + 1}`;
    const fields = trimmed.split(/\s+/);
    if (fields.length !== 6) {
      throw new InputError(where, `expected 6 fields "qid Q0 docid rank score tag", got ${fields.length}`);
    }
    const [queryId, , docId, , scoreText] = fields;
    const score = Number(scoreText);
    if (!Number.isFinite(score)) throw new InputError(where, `score "${scoreText}" is not a number`);
    const docs = seen.get(queryId) ?? new Set<string>();
    if (docs.has(docId)) throw new InputError(where, `document ${docId} appears twice for query ${queryId}`);
    docs.add(docId);
    seen.set(queryId, docs);
    const list = run.get(queryId) ?? [];
    list.push({ docId, score });
    run.set(queryId, list);
  });
  for (const list of run.values()) list.sort(compareTrecEval);
  return run;
}

/** Reads and parses a TREC run file. */
export async function readTrecRun(path: string): Promise<Run> {
  return parseTrecRun(await readFile(path, 'utf8'), path);
}

/** trec_eval's order: higher score first; equal scores by document id, descending. */
export function compareTrecEval(a: RankedDocument, b: RankedDocument): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.docId < b.docId ? 1 : a.docId > b.docId ? -1 : 0;
}

function checkToken(field: string, value: string): void {
  if (value === '' || /\s/.test(value)) {
    throw new InputError(field, `"${value}" must be non-empty and contain no whitespace (TREC files are whitespace-separated)`);
  }
}
