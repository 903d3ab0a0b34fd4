/**
 * The span of the cascade's answer check: whether the cheaper model's answer passed (and so whether
 * the router escalated to the next model), with the scores it was judged on.
 */
import { withSpan } from './with-span.js';

/** What a check result says (the router's AnswerCheckResult). */
interface CheckOutcome {
  pass: boolean;
  groundedness: number;
  coverage: number;
  reasons: string[];
}

/** Runs the answer check of `modelId`'s answer inside a `cascade check` span. */
export function traceAnswerCheck<C extends CheckOutcome>(modelId: string, check: () => C): C {
  return withSpan('cascade check', { 'groundwork.model.id': modelId }, (span) => {
    const result = check();
    if (span.isRecording()) {
      span.setAttributes({
        'groundwork.check.pass': result.pass,
        'groundwork.check.groundedness': result.groundedness,
        'groundwork.check.coverage': result.coverage,
        'groundwork.check.reasons': result.reasons,
      });
    }
    return result;
  });
}
