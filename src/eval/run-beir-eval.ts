import { basename, resolve } from 'node:path';
import type { Groundwork } from '../groundwork.js';
import type { SourceItem } from '../ingest/pipeline.js';
import type { RetrievedChunk } from '../retrieve/types.js';
import { loadBeirDataset, type BeirDataset } from './beir-dataset.js';
import { chunksToDocumentRanking } from './chunks-to-document-ranking.js';
import { metricKey } from './score-run.js';
import { recordEvalRun, resolveEvalOptions } from './run-record.js';
import type { BeirEvalOptions, EvalQueryRow, EvalRunDocument } from './run-eval-types.js';
import { HEADLINE_CUTOFF, RECALL_CUTOFF, retrievalMetricNames, scoreRunAtCutoffs } from './run-metrics.js';
import { writeTrecRun } from './trec-run.js';
import { reportPassages } from './run-report-passages.js';
import type { RankedDocument, Run } from './types.js';

/** Tenant names allow `[A-Za-z0-9_.-]{1,64}` (config schema). */
const TENANT_MAX_LENGTH = 64;

/** The tenant a BEIR dataset is ingested into: `eval-<dir name>`, cut to `[A-Za-z0-9_.-]`, 64 characters. */
export function beirTenant(dir: string): string {
  const name = basename(resolve(dir)).replace(/[^A-Za-z0-9_.-]/g, '_');
  return `eval-${name || 'dataset'}`.slice(0, TENANT_MAX_LENGTH);
}

/** BEIR corpus lines as ingest items: external id = `_id`, source `beir:<name>/<_id>`. */
export function* beirSourceItems(dataset: Pick<BeirDataset, 'dir' | 'corpus'>): Generator<SourceItem> {
  const name = basename(resolve(dataset.dir));
  for (const document of dataset.corpus) {
    yield {
      document: {
        externalId: document._id,
        source: `beir:${name}/${document._id}`,
        title: document.title,
        text: document.text,
        format: 'text',
        metadata: document.metadata,
      },
    };
  }
}

/**
 * Evaluates retrieval on a BEIR-layout dataset split: ingests the corpus into its own tenant
 * (incremental, so a re-run with the same data and ingest configuration reuses the index), runs
 * every judged query with `retrieve({k: max(k, 100)})`, ranks documents by their best chunk
 * (`chunksToDocumentRanking`), scores nDCG/Recall/Precision/MRR/MAP/hit at 10 and k plus
 * Recall@100 with trec_eval's definitions, writes a TREC run (up to k documents per query) when
 * asked and records an experiment. The primary metric (the verdict's) is nDCG@10.
 */
export async function runBeirEval(gw: Groundwork, options: BeirEvalOptions): Promise<EvalRunDocument> {
  const startedAt = performance.now();
  const evalOptions = resolveEvalOptions(gw, options);
  const k = options.k ?? evalOptions.k;
  const dataset = await loadBeirDataset(options.dataset, { split: options.split });
  const tenant = options.tenant ?? beirTenant(dataset.dir);
  const notices: string[] = [...gw.notices];

  const total = dataset.corpus.length;
  const ingest = await gw.ingest(beirSourceItems(dataset), {
    tenant,
    onProgress: (p) => options.onProgress?.({ phase: 'ingest', done: p.files, total, detail: `${p.chunks} chunks` }),
  });
  options.onProgress?.({ phase: 'ingest', done: total, total, detail: `${ingest.chunks} chunks written` });
  const stale = (await gw.countDocuments(tenant)) - total;
  if (stale > 0) notices.push(`tenant ${tenant} holds ${stale} documents that are not in ${dataset.dir}/corpus.jsonl; they can be retrieved and count as unjudged`);

  const retrieveK = Math.max(k, RECALL_CUTOFF);
  const run: Run = new Map();
  const rows: EvalQueryRow[] = [];
  const latenciesMs: number[] = [];
  let mode = options.mode ?? gw.config.retrieve.mode;
  let emptyQueries = 0;
  // BEIR's evaluator drops a hit whose document id is the query id (ignore_identical_ids, default on):
  // in sets such as ArguAna a query is also a corpus document and would otherwise find itself.
  let identicalDropped = 0;
  for (const [index, query] of dataset.queries.entries()) {
    let ranking: RankedDocument[] = [];
    let chunks: RetrievedChunk[] = [];
    let confidence = 0;
    let latencyMs = 0;
    if (query.text.trim() === '') emptyQueries += 1;
    else {
      const started = performance.now();
      const result = await gw.retrieve({ query: query.text, tenant, mode: options.mode, k: retrieveK });
      latencyMs = performance.now() - started;
      latenciesMs.push(latencyMs);
      for (const notice of result.notices) if (!notices.includes(notice)) notices.push(notice);
      mode = result.mode;
      chunks = result.chunks;
      confidence = result.confidence;
      ranking = chunksToDocumentRanking(chunks.map((chunk) => ({ externalId: chunk.externalId, score: chunk.score })));
      if (!options.keepIdenticalIds) {
        const before = ranking.length;
        ranking = ranking.filter((document) => document.docId !== query._id);
        identicalDropped += before - ranking.length;
      }
    }
    run.set(query._id, ranking);
    rows.push({
      queryId: query._id,
      metrics: {},
      details: { query: query.text, latencyMs: Math.round(latencyMs * 100) / 100, confidence, retrieved: reportPassages(ranking, chunks, dataset.qrels.get(query._id)) },
    });
    options.onProgress?.({ phase: 'queries', done: index + 1, total: dataset.queries.length, detail: `query ${query._id}` });
  }

  const scores = scoreRunAtCutoffs(run, dataset.qrels, k, evalOptions.missingQueries);
  for (const row of rows) row.metrics = scores.perQuery.get(row.queryId) ?? {};
  // Judged queries without a relevant document have no metrics (trec_eval skips them): not stored.
  const scoredRows = rows.filter((row) => Object.keys(row.metrics).length > 0);

  let runFile: string | undefined;
  if (options.runFile !== undefined) {
    runFile = resolve(options.runFile);
    await writeTrecRun(runFile, new Map([...run].map(([queryId, documents]) => [queryId, documents.slice(0, k)])));
  }

  if (identicalDropped > 0) notices.push(`${identicalDropped} hits whose document id equals their query id were dropped (BEIR ignore_identical_ids; --keep-identical-ids keeps them)`);
  const document = await recordEvalRun(
    gw,
    {
      kind: 'beir',
      dataset: { path: resolve(dataset.dir), split: dataset.split, hash: dataset.hash, queries: dataset.queries.length },
      tenant,
      mode,
      primaryMetric: metricKey('ndcg', HEADLINE_CUTOFF),
      metricNames: retrievalMetricNames(k),
      rows: scoredRows,
      counts: {
        evaluated: scores.counts.evaluated,
        skippedNoRelevant: scores.counts.skippedNoRelevant,
        emptyQueries,
        corpusDocuments: total,
        documentsAdded: ingest.documents.added,
        documentsUpdated: ingest.documents.updated,
        documentsUnchanged: ingest.documents.unchanged,
        chunksWritten: ingest.chunks,
        ingestMs: Math.round(ingest.durationMs),
        identicalIdsDropped: identicalDropped,
      },
      latenciesMs,
      settings: { k, retrieveK, split: dataset.split, documentScore: 'max over chunks (MaxP)', ingest: gw.chunkerFor().fingerprint, ignoreIdenticalIds: !options.keepIdenticalIds },
      notices,
      startedAt,
      runFile,
    },
    options,
  );
  return { ...document, identicalIds: { ignored: !options.keepIdenticalIds, dropped: identicalDropped } };
}
