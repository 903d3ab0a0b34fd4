import { z } from 'zod';

/**
 * The legs groundwork registers by default, in fusion order (leg-registry.ts builds one for each
 * name; its type makes the two lists agree). Each name is also the mode that runs that leg alone.
 */
export const BUILT_IN_LEG_NAMES = ['sparse', 'dense'] as const;

/** The mode that runs every registered leg that can run, in parallel, and fuses them. */
export const HYBRID_MODE = 'hybrid';

/** The modes config, CLI and HTTP accept: each built-in leg alone, or hybrid. */
export const RETRIEVAL_MODES = [...BUILT_IN_LEG_NAMES, HYBRID_MODE] as const;

export type BuiltInLegName = (typeof BUILT_IN_LEG_NAMES)[number];

/** `retrieve.mode`, `--mode` and the HTTP `mode` field. */
export const retrievalModeSchema = z.enum(RETRIEVAL_MODES);
