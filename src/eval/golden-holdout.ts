import type { GoldenItem } from './golden-set.js';
import { groupedHoldout } from './grouped-holdout.js';

/** A golden item's group: `metadata.article`, else its first relevant document, else the item itself. */
export function goldenGroup(item: GoldenItem): string {
  const article = item.metadata.article;
  return typeof article === 'string' && article.length > 0 ? article : (item.relevant_doc_ids[0] ?? item.id);
}

/**
 * A golden set split into a held-out third and the tuning two thirds by group (goldenGroup), groups
 * of unanswerable-only items stratified apart from the rest so both sides hold some; deterministic
 * (groupedHoldout's SHA-256 order). What a model may learn from is `tuning`; figures are reported on
 * `heldOut` (bench/answers.ts, scripts/train-answerability.ts).
 */
export function goldenHoldout(items: readonly GoldenItem[]): { heldOut: GoldenItem[]; tuning: GoldenItem[] } {
  const answerableGroups = new Set(items.filter((item) => item.answerable).map(goldenGroup));
  const split = groupedHoldout(items.map(goldenGroup), { strataOf: (group) => (answerableGroups.has(group) ? 'answerable' : 'unanswerable') });
  const heldOut = new Set(split.heldOut);
  return { heldOut: items.filter((item) => heldOut.has(goldenGroup(item))), tuning: items.filter((item) => !heldOut.has(goldenGroup(item))) };
}
