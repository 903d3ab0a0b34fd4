import type { Queryable } from '../../db/types.js';
import type { Analyzer } from '../../search-index/analyzer.js';
import type { RetrievedChunk } from '../types.js';
import { computeRankerFeatures } from './ranker-features.js';
import { DEFAULT_RANKER_MODEL_PATH, loadRankerModel, scoreRankerRows, type RankerModel } from './ranker-model.js';

/** `retrieve.ranker` once resolved: the loaded model and how deep it re-orders. */
export interface RankerStage {
  model: RankerModel;
  depth: number;
  /** Re-orders the top `depth` candidates by the model's score (the rest keep their order below them). */
  rank(db: Queryable, tenant: string, query: string, queryTerms: readonly string[], candidates: readonly RetrievedChunk[]): Promise<RetrievedChunk[]>;
}

/** Ranker settings as the config holds them. */
export interface RankerSettings {
  model: string;
  depth: number;
}

/**
 * Builds the ranker stage from `retrieve.ranker` (undefined when it is off): the model file is read
 * and checked now, so a bad path fails at start, not at the first query.
 */
export function createRankerStage(settings: RankerSettings | undefined, analyzer: Analyzer, titleWeight: number): RankerStage | undefined {
  if (!settings) return undefined;
  const model = loadRankerModel(settings.model === 'default' ? DEFAULT_RANKER_MODEL_PATH : settings.model);
  const depth = settings.depth;
  return {
    model,
    depth,
    async rank(db, tenant, query, queryTerms, candidates) {
      if (candidates.length < 2 || queryTerms.length === 0) return [...candidates];
      const head = candidates.slice(0, depth);
      const rows = await computeRankerFeatures(db, analyzer, tenant, { query, queryTerms, candidates: head, titleWeight });
      const scores = scoreRankerRows(model, rows);
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
