/** The retrieve use case, and the retrieval step of an answer (retrieve, rerank and cut, chunk edges). */
import { assertTenantName } from '../config/tenant-name.js';
import { loadChunkEdges } from '../retrieve/load-chunk-edges.js';
import type { RetrieveResult } from '../retrieve/types.js';
import type { Components } from './components.js';
import type { AskRequest, RetrieveInput } from './types.js';
import { traceRetrieval } from '../monitor/tracing/use-case-spans.js';

/** Ranked chunks for a query; the tenant is checked with the rule config, CLI and HTTP use. */
export async function retrieve(components: Components, request: RetrieveInput): Promise<RetrieveResult> {
  const tenant = assertTenantName(request.tenant ?? components.config.tenant);
  return traceRetrieval(request.mode, () => components.retriever.retrieve({ ...request, tenant }));
}

/**
 * The retriever's per-leg milliseconds (everything it timed besides the total and the rerank),
 * whichever shape its timings take (`{ legsMs }` or flat `{ sparseMs, denseMs, ... }`).
 */
export function legTimings(timings: RetrieveResult['timings'] | undefined): { legsMs: Record<string, number>; rerankMs: number } {
  const raw = (timings ?? {}) as Record<string, unknown>;
  const rerankMs = typeof raw.rerankMs === 'number' ? raw.rerankMs : 0;
  if (raw.legsMs && typeof raw.legsMs === 'object') {
    // The query embedding is the dense leg's own first step: reported beside the legs as `embed`.
    const embed: Record<string, number> = typeof raw.embedMs === 'number' ? { embed: raw.embedMs } : {};
    return { legsMs: { ...(raw.legsMs as Record<string, number>), ...embed }, rerankMs };
  }
  const legsMs: Record<string, number> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === 'number' && key !== 'totalMs' && key !== 'rerankMs') legsMs[key] = value;
  }
  return { legsMs, rerankMs };
}

/**
 * Retrieval for an answer: the ranked chunks (the reranker, when installed, already ordered them),
 * cut to `retrieve.topN` after a rerank, with the text around each chunk so a quote can be the
 * whole sentence where a chunk boundary cuts it.
 */
export async function retrieveForAnswer(components: Components, tenant: string, request: AskRequest): Promise<RetrieveResult> {
  const retrieval = await traceRetrieval(request.mode, () => components.retriever.retrieve({ query: request.question, tenant, mode: request.mode, k: request.topK, filters: request.filters, signal: request.signal }));
  if (components.reranker) retrieval.chunks = retrieval.chunks.slice(0, components.config.retrieve.topN);
  retrieval.chunks = await loadChunkEdges(components.db, tenant, retrieval.chunks);
  return retrieval;
}
