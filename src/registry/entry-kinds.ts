import type { ConfigInput } from '../config/schema.js';
import { InputError } from '../errors.js';

/** What the registry versions: learned artifacts and whole answer configurations. */
export const ENTRY_KINDS = ['answerability-model', 'ranker', 'router-predictor', 'cache-calibration', 'answer-config'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** Stages in order (methodology phase 8: development -> staging -> production); archived entries served once. */
export const STAGES = ['dev', 'staging', 'production', 'archived'] as const;
export type Stage = (typeof STAGES)[number];

/** The scope of an entry every tenant uses unless it has its own (outside the tenant-name rule). */
export const GLOBAL_SCOPE = '*';

/**
 * The config override a learned artifact implies when none is given: the key that loads it.
 * Kinds without such a key (a ranker, a cache calibration: thresholds, not a file) need explicit
 * overrides at registration.
 */
export function artifactOverrides(kind: EntryKind, artifactPath: string): ConfigInput | undefined {
  if (kind === 'answerability-model') return { generate: { answerability: { model: artifactPath } } };
  if (kind === 'router-predictor') return { router: { predictorPath: artifactPath } };
  return undefined;
}

/** Parses an entry kind from user input. */
export function parseEntryKind(value: string, field = 'kind'): EntryKind {
  if ((ENTRY_KINDS as readonly string[]).includes(value)) return value as EntryKind;
  throw new InputError(field, `"${value}" is not an entry kind: use ${ENTRY_KINDS.join(', ')}`);
}

/** A semantic version MAJOR.MINOR.PATCH. */
export const VERSION_PATTERN = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$/;

/** The major number of a semantic version. */
export function majorOf(version: string): number {
  const match = VERSION_PATTERN.exec(version);
  if (!match) throw new InputError('version', `"${version}" is not MAJOR.MINOR.PATCH`);
  return Number(match[1]);
}
