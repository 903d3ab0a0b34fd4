import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { hashDatasetFiles } from './dataset-hash.js';
import { parseJsonLine } from './read-jsonl.js';
import type { Qrels } from './types.js';

/** One golden-set question. `relevant_doc_ids` are document external ids (corpus file paths). */
export const goldenItemSchema = z
  .object({
    id: z.string().min(1),
    question: z.string().min(1),
    reference_answer: z.string().min(1).optional(),
    relevant_doc_ids: z.array(z.string().min(1)).default([]),
    answerable: z.boolean(),
    segment: z.string().min(1).optional(),
    metadata: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .refine((item) => item.answerable || item.relevant_doc_ids.length === 0, {
    message: 'an unanswerable question cannot have relevant_doc_ids',
    path: ['relevant_doc_ids'],
  });
export type GoldenItem = z.output<typeof goldenItemSchema>;

/** A loaded golden set. */
export interface GoldenSet {
  path: string;
  items: GoldenItem[];
  /** Binary qrels (grade 1) of the answerable items that list relevant documents. */
  qrels: Qrels;
  hash: string;
}

/** Parses golden-set JSON Lines; errors name `source:line` and the field. Ids must be unique. */
export function parseGoldenSet(text: string, source = 'golden.jsonl'): GoldenItem[] {
  const items: GoldenItem[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const item = parseJsonLine(line, goldenItemSchema, `${source}:${index + 1}`);
    const previous = seen.get(item.id);
    if (previous !== undefined) throw new InputError(`${source}:${index + 1}`, `id "${item.id}" already used on line ${previous}`);
    seen.set(item.id, index + 1);
    items.push(item);
  });
  if (items.length === 0) throw new InputError(source, 'golden set is empty');
  return items;
}

/** Qrels (binary grade 1) from golden items with relevant documents. */
export function goldenQrels(items: readonly GoldenItem[]): Qrels {
  const qrels: Qrels = new Map();
  for (const item of items) {
    if (item.relevant_doc_ids.length > 0) qrels.set(item.id, new Map(item.relevant_doc_ids.map((docId) => [docId, 1])));
  }
  return qrels;
}

/** Reads, validates and hashes a golden-set file. */
export async function loadGoldenSet(path: string): Promise<GoldenSet> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new InputError('golden', `cannot read ${path}: ${error.code ?? error.message}`);
  });
  const items = parseGoldenSet(text, path);
  return { path, items, qrels: goldenQrels(items), hash: await hashDatasetFiles(dirname(path), [basename(path)]) };
}
