import type { Groundwork } from '../groundwork.js';

/** What retraining keeps of an answer: a rating judges it (answerability), and a thumbs up makes its cited documents relevant (ranker). */
export interface AnsweredQuestion {
  refused: boolean;
  /** External ids of the documents the answer cited, in citation order (none for a refusal). */
  citedDocuments: readonly string[];
}

/** The cited documents of an answer's citations, each once, in order. */
export function citedDocumentsOf(citations: ReadonlyArray<{ externalId: string }>): string[] {
  return [...new Set(citations.map((c) => c.externalId))];
}

/**
 * What an answer path asks of the registry for one request: the Groundwork of the arm of the
 * tenant it acts on (the route resolves the tenant; the unit comes from the request), and where
 * an answered question goes for retraining. Every ask path (JSON and streamed /v1/ask, chat
 * completions, the MCP `ask` tool) goes through this one object.
 */
export interface RequestArm {
  /** Picks this request's arm in `tenant` (sets the `arm` variable that telemetry records) and returns its Groundwork. */
  groundworkFor(tenant: string): Promise<Groundwork>;
  /** Keeps an answered question, whether it was refused and what it cited, under the answer's request id (retraining). */
  answered(tenant: string, requestId: string, question: string, answer: AnsweredQuestion): void;
}
