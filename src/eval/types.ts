/** Shapes shared by the eval stage: judgments, runs and per-query metric rows. */

/** Relevance judgments: query id -> document id -> graded relevance (0 = judged not relevant). */
export type Qrels = Map<string, Map<string, number>>;

/** One retrieved document of a run. */
export interface RankedDocument {
  docId: string;
  score: number;
}

/** A retrieval run: query id -> retrieved documents, best first. */
export type Run = Map<string, RankedDocument[]>;

/** Metric values of one query, keyed by metric name (`ndcg@10`, `recall@10`, ...). */
export interface QueryMetrics {
  queryId: string;
  metrics: Record<string, number>;
}
