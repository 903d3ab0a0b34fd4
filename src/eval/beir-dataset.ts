import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { hashDatasetFiles } from './dataset-hash.js';
import { readQrels } from './qrels.js';
import { readJsonl } from './read-jsonl.js';
import type { Qrels } from './types.js';

/** A BEIR corpus line. Ids may be numbers in some BEIR files; they are read as strings. */
export const beirDocumentSchema = z.object({
  _id: z.union([z.string().min(1), z.number()]).transform(String),
  title: z.string().default(''),
  text: z.string(),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type BeirDocument = z.output<typeof beirDocumentSchema>;

/** A BEIR queries line. */
export const beirQuerySchema = z.object({
  _id: z.union([z.string().min(1), z.number()]).transform(String),
  text: z.string().min(1),
  metadata: z.record(z.string(), z.unknown()).default({}),
});
export type BeirQuery = z.output<typeof beirQuerySchema>;

/** A loaded BEIR dataset split. */
export interface BeirDataset {
  dir: string;
  split: string;
  corpus: BeirDocument[];
  /** Queries that have judgments in the split, in queries.jsonl order. */
  queries: BeirQuery[];
  qrels: Qrels;
  /** sha256 over corpus.jsonl, queries.jsonl and the split's qrels file. */
  hash: string;
}

/** Default BEIR split. */
export const DEFAULT_SPLIT = 'test';

/**
 * Loads the BEIR layout: `corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`. Judged queries
 * missing from queries.jsonl are an error (they could never be asked).
 */
export async function loadBeirDataset(dir: string, options: { split?: string } = {}): Promise<BeirDataset> {
  const split = options.split ?? DEFAULT_SPLIT;
  if (!/^[\w.-]+$/.test(split)) throw new InputError('split', `"${split}" is not a valid split name`);
  const files = ['corpus.jsonl', 'queries.jsonl', join('qrels', `${split}.tsv`)];
  for (const file of files) {
    await access(join(dir, file)).catch(() => {
      throw new InputError('dataset', `${join(dir, file)} not found (BEIR layout: corpus.jsonl, queries.jsonl, qrels/<split>.tsv)`);
    });
  }
  const qrels = await readQrels(join(dir, files[2]));
  const corpus: BeirDocument[] = [];
  for await (const document of readJsonl(join(dir, 'corpus.jsonl'), beirDocumentSchema)) corpus.push(document);
  const queries: BeirQuery[] = [];
  const found = new Set<string>();
  for await (const query of readJsonl(join(dir, 'queries.jsonl'), beirQuerySchema)) {
    if (qrels.has(query._id)) {
      queries.push(query);
      found.add(query._id);
    }
  }
  const missing = [...qrels.keys()].filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new InputError('queries.jsonl', `${missing.length} judged queries of split ${split} are missing, e.g. ${missing.slice(0, 3).join(', ')}`);
  }
  return { dir, split, corpus, queries, qrels, hash: await hashDatasetFiles(dir, files) };
}
