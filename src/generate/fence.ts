import { randomBytes } from 'node:crypto';
import { citationLabel, type CitableSource } from './citation-label.js';

/** Bytes of randomness in a fence token: 128 bits, so a document cannot guess it. */
const FENCE_BYTES = 16;
/** What a fence token inside document text becomes, so a document cannot close its own fence. */
export const NEUTRALIZED_FENCE = '[fence-token-removed]';

/** A fresh random fence token for one request (32 lowercase hex characters). */
export function createFence(): string {
  return randomBytes(FENCE_BYTES).toString('hex');
}

/** Removes every occurrence of the fence token (any case) from untrusted text. */
export function neutralizeFence(text: string, fence: string): string {
  if (fence.length === 0) return text;
  const escaped = fence.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(escaped, 'gi'), NEUTRALIZED_FENCE);
}

/** The line that opens document `index` (1-based). */
export function beginFenceLine(fence: string, index: number): string {
  return `<<<BEGIN DOCUMENT ${fence} #${index}>>>`;
}

/** The line that closes document `index` (1-based). */
export function endFenceLine(fence: string, index: number): string {
  return `<<<END DOCUMENT ${fence} #${index}>>>`;
}

function headerValue(value: string, fence: string): string {
  return neutralizeFence(value.replace(/[\r\n]+/g, ' '), fence);
}

/**
 * Renders one document for the prompt: fence lines around a header (citation label, source, title,
 * page) and the text, with the fence token neutralized in everything that came from the document.
 */
export function renderFencedDocument(document: CitableSource & { text: string }, index: number, fence: string): string {
  const header = [
    `citation: ${headerValue(citationLabel(document), fence)}`,
    `source: ${headerValue(document.source, fence)}`,
    `title: ${headerValue(document.title, fence)}`,
    ...(document.page === undefined ? [] : [`page: ${document.page}`]),
  ];
  return [beginFenceLine(fence, index), ...header, '---', neutralizeFence(document.text, fence), endFenceLine(fence, index)].join('\n');
}

/** A document recovered from a rendered prompt. */
export interface ParsedFencedDocument {
  index: number;
  citation: string;
  source: string;
  title: string;
  page?: number;
  text: string;
}

/**
 * Recovers the documents from prompt text rendered by renderFencedDocument (the inverse, used by the
 * extractive answerer when it is called through the plain ChatModel interface).
 */
export function parseFencedDocuments(promptText: string): ParsedFencedDocument[] {
  const documents: ParsedFencedDocument[] = [];
  const block = /<<<BEGIN DOCUMENT ([0-9a-zA-Z_-]+) #(\d+)>>>\n([\s\S]*?)\n<<<END DOCUMENT \1 #\2>>>/g;
  for (const match of promptText.matchAll(block)) {
    const body = match[3];
    const split = body.indexOf('\n---\n');
    if (split < 0) continue;
    const header = new Map<string, string>();
    for (const line of body.slice(0, split).split('\n')) {
      const colon = line.indexOf(': ');
      if (colon > 0) header.set(line.slice(0, colon), line.slice(colon + 2));
    }
    const page = header.has('page') ? Number(header.get('page')) : undefined;
    documents.push({
      index: Number(match[2]),
      citation: header.get('citation') ?? '',
      source: header.get('source') ?? '',
      title: header.get('title') ?? '',
      page: page !== undefined && Number.isInteger(page) ? page : undefined,
      text: body.slice(split + 5),
    });
  }
  return documents;
}
