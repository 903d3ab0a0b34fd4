import { InputError } from '../../errors.js';
import type { LoadedDocument } from '../types.js';

/** A stretch of the document text that chunks never cross (a PDF page, a loader section). */
export interface DocumentRegion {
  start: number;
  end: number;
  headingPath: string[];
  page?: number;
}

/**
 * The document's sections located in its text (sections are slices of it, in order). Text between
 * sections that is not whitespace becomes a region of its own, so nothing is dropped.
 */
export function documentRegions(document: LoadedDocument): DocumentRegion[] {
  const { text, sections } = document;
  if (!sections || sections.length === 0) return [{ start: 0, end: text.length, headingPath: [] }];
  const regions: DocumentRegion[] = [];
  let cursor = 0;
  sections.forEach((section, index) => {
    const start = text.indexOf(section.text, cursor);
    if (start < 0) {
      throw new InputError(`document.sections[${index}]`, `not a slice of the document text after offset ${cursor}`, {
        externalId: document.externalId,
      });
    }
    pushGap(regions, text, cursor, start);
    regions.push({ start, end: start + section.text.length, headingPath: section.headingPath ?? [], page: section.page });
    cursor = start + section.text.length;
  });
  pushGap(regions, text, cursor, text.length);
  return regions;
}

function pushGap(regions: DocumentRegion[], text: string, start: number, end: number): void {
  if (end > start && /\S/.test(text.slice(start, end))) regions.push({ start, end, headingPath: [] });
}
