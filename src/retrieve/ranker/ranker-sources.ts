import { resolve } from 'node:path';
import { loadBeirDataset } from '../../eval/beir-dataset.js';
import { goldenGroup } from '../../eval/golden-holdout.js';
import { loadGoldenSet } from '../../eval/golden-set.js';
import { beirSourceItems, beirTenant } from '../../eval/run-beir-eval.js';
import type { Groundwork } from '../../groundwork.js';
import type { RankerQuery } from './ranker-rows.js';

/** Judged queries from one source, the tenant that holds its documents, and its hash. */
export interface RankerSource {
  kind: 'beir' | 'golden';
  path: string;
  tenant: string;
  hash: string;
  queries: RankerQuery[];
}

/**
 * A BEIR split as ranker queries: its corpus ingested into `eval-<dir>` (incrementally, as `eval run`
 * does), each judged query its own group.
 */
export async function beirRankerSource(gw: Groundwork, dir: string, split: string, onProgress?: (done: number, total: number) => void): Promise<RankerSource> {
  const dataset = await loadBeirDataset(dir, { split });
  const tenant = beirTenant(dataset.dir);
  await gw.ingest(beirSourceItems(dataset), { tenant, onProgress: (p) => onProgress?.(p.files, dataset.corpus.length) });
  return {
    kind: 'beir',
    path: resolve(dir),
    tenant,
    hash: dataset.hash,
    queries: dataset.queries.map((query) => ({ id: query._id, text: query.text, group: query._id, judged: dataset.qrels.get(query._id) ?? new Map() })),
  };
}

/** A golden item's group (src/eval/golden-holdout.ts). */
export { goldenGroup } from '../../eval/golden-holdout.js';

/** A golden set's answerable questions with relevant documents as ranker queries (documents already ingested in `tenant`), grouped by article. */
export async function goldenRankerSource(path: string, tenant: string): Promise<RankerSource> {
  const set = await loadGoldenSet(path);
  const queries = set.items
    .filter((item) => item.answerable && item.relevant_doc_ids.length > 0)
    .map((item) => ({ id: item.id, text: item.question, group: goldenGroup(item), judged: new Map(item.relevant_doc_ids.map((id) => [id, 1])) }));
  return { kind: 'golden', path: resolve(path), tenant, hash: set.hash, queries };
}
