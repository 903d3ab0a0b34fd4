import { createDenseLeg } from './dense-leg.js';
import { createPostingCacheBm25Leg } from './posting-cache-bm25-leg.js';
import type { PostingCache } from './posting-cache.js';
import type { RetrievalLeg } from './retrieval-leg.js';
import { BUILT_IN_LEG_NAMES, HYBRID_MODE, type BuiltInLegName } from './retrieval-modes.js';
import type { RetrieveOptions } from './retrieve-options.js';
import { createSqlBm25Leg } from './sql-bm25-leg.js';

/** A leg's weight in fusion: a number, or read from the retrieve options (as denseWeight is). */
export type LegWeight = number | ((options: RetrieveOptions) => number);

/** A registered leg and its fusion weight. */
export interface LegRegistration {
  leg: RetrievalLeg;
  weight: LegWeight;
}

/**
 * The legs a retriever runs, in fusion order. Immutable: `with` returns a new registry. The modes
 * a retriever accepts derive from it: each leg's name (that leg alone) and `hybrid` (all of them).
 */
export interface LegRegistry {
  readonly registrations: readonly LegRegistration[];
  /** Each leg's name, then `hybrid`. */
  readonly modes: readonly string[];
  get(name: string): LegRegistration | undefined;
  /** A new registry with this leg added last (weight 1 unless given); its name must be new. */
  with(leg: RetrievalLeg, options?: { weight?: LegWeight }): LegRegistry;
  /** The leg's weight under these options. */
  weightOf(registration: LegRegistration, options: RetrieveOptions): number;
}

/** A leg name: lowercase letters and digits, so `<name>` and `<name>Rank` never meet another score key. */
const LEG_NAME = /^[a-z][a-z0-9]*$/;
/** Names that already mean something in a mode or in a chunk's scores. */
const RESERVED_NAMES = new Set([HYBRID_MODE, 'fused', 'rerank', 'ranker']);

/** A registry of these legs, checked: unique, well-formed names, non-negative weights. */
export function createLegRegistry(registrations: ReadonlyArray<RetrievalLeg | { leg: RetrievalLeg; weight?: LegWeight }>): LegRegistry {
  const list: LegRegistration[] = [];
  for (const entry of registrations) {
    const { leg, weight = 1 } = 'leg' in entry ? entry : { leg: entry };
    if (!LEG_NAME.test(leg.name)) throw new TypeError(`retrieval leg name ${JSON.stringify(leg.name)}: use lowercase letters and digits, starting with a letter`);
    if (RESERVED_NAMES.has(leg.name)) throw new TypeError(`retrieval leg name ${JSON.stringify(leg.name)} is reserved`);
    if (list.some((r) => r.leg.name === leg.name)) throw new TypeError(`retrieval leg ${JSON.stringify(leg.name)} is registered twice`);
    if (typeof weight === 'number' && !(weight >= 0 && Number.isFinite(weight))) throw new TypeError(`retrieval leg ${leg.name}: weight must be a finite number >= 0, got ${weight}`);
    list.push({ leg, weight });
  }
  const registry: LegRegistry = {
    registrations: list,
    modes: [...list.map((r) => r.leg.name), HYBRID_MODE],
    get: (name) => list.find((r) => r.leg.name === name),
    with: (leg, options) => createLegRegistry([...list, { leg, weight: options?.weight }]),
    weightOf(registration, options) {
      const weight = typeof registration.weight === 'number' ? registration.weight : registration.weight(options);
      if (!(weight >= 0 && Number.isFinite(weight))) throw new TypeError(`retrieval leg ${registration.leg.name}: weight must be a finite number >= 0, got ${weight}`);
      return weight;
    },
  };
  return Object.freeze(registry);
}

/** What the built-in legs are built from. */
export interface BuiltInLegDeps {
  /** When given, the sparse leg scores from it (SQL for what it cannot serve); else in SQL. */
  postingCache?: PostingCache;
}

/**
 * The built-in legs, one entry per name in BUILT_IN_LEG_NAMES (the type makes them agree). The
 * public `retrieve.denseWeight` maps onto the two legs' weights in weighted fusion (sparse
 * 1 - denseWeight, dense denseWeight); RRF weighs both 1, as the unweighted RRF before it did.
 */
const BUILT_IN_LEGS: Record<BuiltInLegName, (deps: BuiltInLegDeps) => LegRegistration> = {
  sparse: ({ postingCache }) => ({
    leg: postingCache ? createPostingCacheBm25Leg(postingCache) : createSqlBm25Leg(),
    weight: (options) => (options.fusion === 'weighted' ? 1 - options.denseWeight : 1),
  }),
  dense: () => ({ leg: createDenseLeg(), weight: (options) => (options.fusion === 'weighted' ? options.denseWeight : 1) }),
};

/** The default registry: BM25 (from the posting cache when one is given) and dense, in that order. */
export function defaultLegRegistry(deps: BuiltInLegDeps = {}): LegRegistry {
  return createLegRegistry(
    BUILT_IN_LEG_NAMES.map((name) => {
      const registration = BUILT_IN_LEGS[name](deps);
      if (registration.leg.name !== name) throw new TypeError(`built-in leg ${name} is named ${registration.leg.name}`);
      return registration;
    }),
  );
}
