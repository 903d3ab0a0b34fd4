/** One `Source:` reference inside a bracket; a bracket may hold several separated by `;`. */
export interface CitationMarker {
  /** The reference rebuilt as a single marker: `[Source: <name>, page N]`. */
  marker: string;
  name: string;
  page?: number;
  /** Offsets of the whole bracket in the answer (shared by references in the same bracket). */
  start: number;
  end: number;
  /** Position of this reference within its bracket. */
  part: number;
}

const BRACKET = /\[\s*Source\s*:([^\]\n]*)\]/gi;
const PART_SEPARATOR = /;\s*(?:Source\s*:)?/i;
const NAME_AND_PAGE = /^(.*?)(?:,?\s*\b(?:pages?|pp?\.|pg\.?)\s*(\d+)(?:\s*[-–]\s*\d+)?)?\s*$/i;

/**
 * Finds `[Source: <title or file>, page N]` markers in an answer, including brackets that hold
 * several references (`[Source: A, page 1; Source: B, page 2]`) and page ranges (first page kept).
 */
export function parseCitationMarkers(answer: string): CitationMarker[] {
  const markers: CitationMarker[] = [];
  for (const match of answer.matchAll(BRACKET)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    match[1].split(PART_SEPARATOR).forEach((raw, part) => {
      const parsed = NAME_AND_PAGE.exec(raw.trim());
      const name = (parsed?.[1] ?? raw).trim().replace(/,$/, '').trim();
      if (name.length === 0) return;
      const page = parsed?.[2] === undefined ? undefined : Number(parsed[2]);
      markers.push({
        marker: page === undefined ? `[Source: ${name}]` : `[Source: ${name}, page ${page}]`,
        name,
        page,
        start,
        end,
        part,
      });
    });
  }
  return markers;
}
