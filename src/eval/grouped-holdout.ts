import { createHash } from 'node:crypto';

/** Share of the groups held out by default: a third, as the answer benchmarks of issue 19 ask. */
export const DEFAULT_HOLDOUT_SHARE = 1 / 3;

/** Which groups are held out and which remain for tuning. */
export interface GroupedHoldout {
  heldOut: string[];
  tuning: string[];
}

/**
 * A deterministic held-out share of the groups (articles, documents): items of one group never land
 * on both sides, so facts shared within a group cannot leak from tuning into the held-out part.
 * Groups are ordered by the SHA-256 of their name (no seed to tweak, stable across machines) and
 * `strata` (e.g. "has unanswerable questions") are split separately, ceil(share x n) each, so a rare
 * kind of group is on both sides.
 * @example groupedHoldout(['Beyoncé', 'IPod', 'Spectre (2015 film)'], { strataOf: (a) => (a.startsWith('Spectre') ? 'impossible' : 'answerable') })
 */
export function groupedHoldout(groups: Iterable<string>, options: { share?: number; strataOf?: (group: string) => string } = {}): GroupedHoldout {
  const share = options.share ?? DEFAULT_HOLDOUT_SHARE;
  if (!(share > 0 && share < 1)) throw new RangeError(`holdout share must be in (0, 1), got ${share}`);
  const strata = new Map<string, string[]>();
  for (const group of new Set(groups)) {
    const stratum = options.strataOf?.(group) ?? '';
    strata.set(stratum, [...(strata.get(stratum) ?? []), group]);
  }
  const heldOut: string[] = [];
  const tuning: string[] = [];
  for (const members of strata.values()) {
    const ordered = members.map((group) => ({ group, key: createHash('sha256').update(group).digest('hex') })).sort((a, b) => a.key.localeCompare(b.key));
    const cut = Math.ceil(share * ordered.length);
    ordered.forEach(({ group }, index) => (index < cut ? heldOut : tuning).push(group));
  }
  return { heldOut: heldOut.sort(), tuning: tuning.sort() };
}
