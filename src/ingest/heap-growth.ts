import v8 from 'node:v8';
import { InputError } from '../errors.js';

/**
 * How far V8 lets the heap grow past its live data before the next full collection, for processes
 * that run ingest as a batch job (the `ingest` and `worker` commands). By default V8 picks a factor
 * of 1.1 to 4 from allocation speed; ingest allocates fast (document texts, chunks, postings), so
 * the heap settled at ~2.5x its live data, and peak RSS depended on how long a run lasted: 10 MB
 * of Markdown peaked lower than 100 MB only because it ended before V8's first full collection.
 * With 25% the heap stays near its live data whatever the corpus size, for a few more collections.
 */
export const DEFAULT_HEAP_GROWTH_PERCENT = 25;

/**
 * Sets V8's heap growing factor to 1 + percent/100 for the whole process, threads included (V8's
 * `--heap-growing-percent`, read at each full collection). 0 leaves V8's own heuristic. It applies
 * to everything the process runs, so the library never calls it on its own: commands that are the
 * process do, and an application embedding groundwork decides for itself.
 * @example limitHeapGrowth(config.ingest.heapGrowthPercent)
 */
export function limitHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000) throw new InputError('ingest.heapGrowthPercent', `must be an integer from 0 to 1000, got ${percent}`);
  if (percent === 0) return;
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
