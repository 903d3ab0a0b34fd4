import type { AskResult } from './groundwork.js';

/** The JSON shape of an answer, shared by `groundwork ask --json` and `POST /v1/ask`. */
export function askResultJson(result: AskResult): Record<string, unknown> {
  return {
    answer: result.answer,
    citations: result.citations,
    refused: result.refused,
    ...(result.refusalReason ? { refusalReason: result.refusalReason } : {}),
    // The answer-or-refuse model's calibrated P(answerable), when generate.answerability is on.
    ...(result.answerabilityScore !== undefined ? { answerabilityScore: result.answerabilityScore } : {}),
    droppedCitations: result.droppedCitations,
    model: result.model,
    usage: result.usage,
    sources: result.sources,
    costUsd: result.costUsd,
    cache: result.cache,
    route: result.route,
    retrieval: result.retrieval,
    latencyMs: result.latencyMs,
    requestId: result.requestId,
  };
}
