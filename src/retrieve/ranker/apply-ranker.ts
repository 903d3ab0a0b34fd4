import type { Queryable } from '../../db/types.js';
import type { Analyzer } from '../../search-index/analyzer.js';
import type { RetrievedChunk } from '../types.js';
import { createCandidateAnalysisCache, DEFAULT_RANKER_ANALYSIS_CACHE_MB, type CandidateAnalysisCache } from './candidate-analysis.js';
import { computeRankerFeatures, type RankerTimings } from './ranker-features.js';
import { createRankerStatisticsCache, type RankerStatisticsCache } from './ranker-statistics.js';
import type { PrefetchedTerms } from './stored-terms.js';
import type { IndexStatistics } from '../retrieval-leg.js';
import { DEFAULT_RANKER_MODEL_PATH, loadRankerModel, scoreRankerRows, type RankerModel } from './ranker-model.js';

/** `retrieve.ranker` once resolved: the loaded model and how deep it re-orders. */
export interface RankerStage {
  model: RankerModel;
  depth: number;
  /** The candidates' analyses kept between queries (bounded by retrieve.ranker.analysisCacheMb). */
  analyses: CandidateAnalysisCache;
  /** Collection statistics kept per tenant and index version (bounded, ranker-statistics.ts). */
  statistics: RankerStatisticsCache;
  /**
   * Re-orders the top `depth` candidates by the model's score (the rest keep their order below them).
   * `firstStage`: what the first stage read the candidates at, when known: the tenant's index version
   * (RetrieveResult.indexVersion), or that with the collection statistics it read
   * (RetrieveResult.indexStatistics), which with `prefetched.documentChunks` spares the statistics statement.
   */
  rank(db: Queryable, tenant: string, query: string, queryTerms: readonly string[], candidates: readonly RetrievedChunk[], timings?: RankerTimings, firstStage?: string | IndexStatistics, prefetched?: PrefetchedTerms): Promise<RetrievedChunk[]>;
  /** Ids among `chunkIds` (best first) whose stored terms the stage would read: the first `depth` it holds no analysis for. */
  termsToPrefetch(chunkIds: readonly number[]): number[];
}

/** Ranker settings as the config holds them. */
export interface RankerSettings {
  model: string;
  depth: number;
  /** MiB of candidate analyses kept between queries (default DEFAULT_RANKER_ANALYSIS_CACHE_MB; 0 = none). */
  analysisCacheMb?: number;
}

/**
 * Builds the ranker stage from `retrieve.ranker` (undefined when it is off): the model file is read
 * and checked now, so a bad path fails at start, not at the first query.
 */
export function createRankerStage(settings: RankerSettings | undefined, analyzer: Analyzer, titleWeight: number): RankerStage | undefined {
  if (!settings) return undefined;
  const model = loadRankerModel(settings.model === 'default' ? DEFAULT_RANKER_MODEL_PATH : settings.model);
  const depth = settings.depth;
  const analyses = createCandidateAnalysisCache(analyzer, { maxBytes: (settings.analysisCacheMb ?? DEFAULT_RANKER_ANALYSIS_CACHE_MB) * 1024 * 1024 });
  const statistics = createRankerStatisticsCache();
  return {
    model,
    depth,
    analyses,
    statistics,
    termsToPrefetch: (chunkIds) => chunkIds.slice(0, depth).filter((id) => !analyses.holds(id)),
    async rank(db, tenant, query, queryTerms, candidates, timings, firstStage, prefetched) {
      if (candidates.length < 2 || queryTerms.length === 0) return [...candidates];
      const head = candidates.slice(0, depth);
      const rows = await computeRankerFeatures(db, analyzer, tenant, { query, queryTerms, candidates: head, titleWeight }, {
        timings,
        analyses,
        statistics,
        prefetched,
        ...(typeof firstStage === 'string' ? { indexVersion: firstStage } : firstStage ? { firstStage } : {}),
      });
      const started = performance.now();
      const scores = scoreRankerRows(model, rows);
      if (timings) timings.scoringMs = (timings.scoringMs ?? 0) + performance.now() - started;
      const order = head.map((chunk, i) => ({ chunk, score: scores[i], i })).sort((a, b) => b.score - a.score || a.i - b.i);
      // The tail keeps its order below the re-ordered head: its scores continue downwards from the
      // head's lowest (consumers such as MaxP document ranking sort by score); leg scores stay in `scores`.
      const floor = order.length ? order[order.length - 1].score : 0;
      return [
        ...order.map(({ chunk, score }) => ({ ...chunk, score, scores: { ...chunk.scores, ranker: score } })),
        ...candidates.slice(depth).map((chunk, j) => ({ ...chunk, score: floor - 1 - j })),
      ];
    },
  };
}
