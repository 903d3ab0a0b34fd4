import type { Citation } from '../generate/citation-types.js';

/**
 * The plain-text source list appended to an OpenAI-compatible answer, so chat UIs that only show
 * the message text still show where each claim comes from. One line per cited marker:
 * `- [Source: Handbook, page 3]: "quoted sentence"`. Empty when nothing is cited.
 */
export function citationFooter(citations: readonly Citation[]): string {
  if (citations.length === 0) return '';
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const citation of citations) {
    if (seen.has(citation.marker)) continue;
    seen.add(citation.marker);
    lines.push(`- ${citation.marker}: "${citation.quote}"`);
  }
  return `\n\nSources:\n${lines.join('\n')}`;
}
