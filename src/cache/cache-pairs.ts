import { z } from 'zod';
import { InputError } from '../errors.js';

/** Kinds of labelled pairs. */
export const PAIR_KINDS = ['paraphrase', 'negation', 'number', 'entity', 'comparison', 'unrelated'] as const;
/** Kinds whose pairs change meaning in a way the guards must catch. */
export const MEANING_CHANGING_KINDS: ReadonlySet<string> = new Set(['negation', 'number', 'entity', 'comparison']);

/** One labelled pair: is the cached answer to `a` right for `b`? */
export const cachePairSchema = z.object({
  a: z.string().min(1),
  b: z.string().min(1),
  same: z.boolean(),
  kind: z.enum(PAIR_KINDS).optional(),
});

/** A labelled question pair. */
export type CachePair = z.infer<typeof cachePairSchema>;

/** Parses JSONL pairs; errors name the line and the field. */
export function parseCachePairs(text: string, source = 'pairs'): CachePair[] {
  const pairs: CachePair[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${source}:${index + 1}`, `not JSON (${(error as Error).message})`);
    }
    const parsed = cachePairSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${source}:${index + 1}.${issue.path.join('.') || '(line)'}`, issue.message);
    }
    pairs.push(parsed.data);
  });
  if (pairs.length === 0) throw new InputError(source, 'has no pairs');
  return pairs;
}
