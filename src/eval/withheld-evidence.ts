import { mulberry32 } from './prng.js';
import { answerContainment } from './answer-correctness.js';
import type { GoldenItem } from './golden-set.js';
import { referenceAnswers } from './run-answer-metrics.js';

/** Passages left out, passages kept, and the questions that lost their evidence. */
export interface WithheldEvidence {
  withheld: Set<string>;
  remaining: string[];
  /** Answerable questions of a withheld passage whose answers appear in no remaining passage, relabelled unanswerable. */
  items: GoldenItem[];
}

/**
 * The withheld-evidence variant of a golden set (issue 19): a seeded `share` of the passages is left
 * out of the corpus; an answerable question whose passages are all left out, and whose reference
 * answers (SQuAD-normalized) appear in no remaining passage, becomes a question the corpus cannot
 * answer. `passages` maps each passage's document id to its text.
 * @example withheldEvidence(items, passages, { share: 1 / 3, seed: 19 }).items
 */
export function withheldEvidence(items: readonly GoldenItem[], passages: ReadonlyMap<string, string>, options: { share: number; seed: number }): WithheldEvidence {
  const ids = [...passages.keys()].sort();
  const random = mulberry32(options.seed);
  for (let i = ids.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const withheld = new Set(ids.slice(0, Math.round(options.share * ids.length)));
  const remaining = [...passages.keys()].filter((id) => !withheld.has(id)).sort();
  const remainingText = remaining.map((id) => passages.get(id) ?? '');
  const lost = items
    .filter((item) => item.answerable && item.relevant_doc_ids.length > 0 && item.relevant_doc_ids.every((id) => withheld.has(id)))
    .filter((item) => !remainingText.some((text) => answerContainment(text, referenceAnswers(item)) === 1))
    .map((item): GoldenItem => ({ ...item, id: `${item.id}-withheld`, answerable: false, relevant_doc_ids: [], segment: 'withheld-evidence' }));
  return { withheld, remaining, items: lost };
}
