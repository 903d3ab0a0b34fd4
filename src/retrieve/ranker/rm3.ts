/**
 * RM3 pseudo-relevance feedback (Abdul-Jaleel et al., "UMass at TREC 2004"; Lavrenko & Croft's
 * relevance model RM1 interpolated with the query). Defaults are Anserini's (fbDocs 10, fbTerms 10,
 * originalQueryWeight 0.5), the settings its BEIR RM3 baselines use.
 */
export const RM3_DEFAULT_FEEDBACK_DOCS = 10;
export const RM3_DEFAULT_FEEDBACK_TERMS = 10;
export const RM3_DEFAULT_ORIGINAL_WEIGHT = 0.5;

export interface Rm3Settings {
  feedbackDocs: number;
  feedbackTerms: number;
  /** Weight of the original query in the interpolation (1 = no expansion). */
  originalWeight: number;
}

export const RM3_DEFAULTS: Rm3Settings = {
  feedbackDocs: RM3_DEFAULT_FEEDBACK_DOCS,
  feedbackTerms: RM3_DEFAULT_FEEDBACK_TERMS,
  originalWeight: RM3_DEFAULT_ORIGINAL_WEIGHT,
};

/** One feedback document: its analyzed terms and its first-stage score (its weight P(Q|D), up to a constant). */
export interface FeedbackDocument {
  terms: readonly string[];
  score: number;
}

/**
 * The RM3 query: P(w|R) ∝ Σ_D P(w|D) · P(Q|D) over the feedback documents (P(w|D) = tf / |D|,
 * P(Q|D) their scores normalized to sum 1), its best `feedbackTerms` terms renormalized, and
 * originalWeight · P(w|Q) + (1 − originalWeight) · P(w|R). Weights sum to 1.
 * @example rm3Query(new Map([['vitamin', 1]]), [{ terms: ['vitamin', 'd', 'bone'], score: 3.2 }], RM3_DEFAULTS)
 */
export function rm3Query(query: ReadonlyMap<string, number>, feedback: readonly FeedbackDocument[], settings: Rm3Settings = RM3_DEFAULTS): Map<string, number> {
  const documents = feedback.slice(0, settings.feedbackDocs).filter((d) => d.terms.length > 0);
  // Scores can be any real; shift so every feedback document has a positive weight.
  const lowest = Math.min(0, ...documents.map((d) => d.score));
  const weights = documents.map((d) => d.score - lowest + 1e-9);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const relevance = new Map<string, number>();
  documents.forEach((document, i) => {
    const share = weights[i] / weightSum / document.terms.length;
    for (const term of document.terms) relevance.set(term, (relevance.get(term) ?? 0) + share);
  });
  const best = [...relevance].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, settings.feedbackTerms);
  const bestSum = best.reduce((s, [, p]) => s + p, 0);
  let querySum = 0;
  for (const qtf of query.values()) querySum += qtf;
  const expanded = new Map<string, number>();
  for (const [term, qtf] of query) expanded.set(term, (settings.originalWeight * qtf) / querySum);
  if (bestSum > 0) for (const [term, p] of best) expanded.set(term, (expanded.get(term) ?? 0) + ((1 - settings.originalWeight) * p) / bestSum);
  return expanded;
}
