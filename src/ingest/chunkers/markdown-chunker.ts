import type { Chunker } from '../types.js';
import { tokenizeText } from '../../models/tokens/generic-tokenized-text.js';
import { finalizeChunks, type PlannedChunk } from './chunk-plan.js';
import { resolveChunkerSettings, type ChunkerOptions } from './chunker-options.js';
import { documentRegions } from './document-regions.js';
import { splitFence, splitTable } from './markdown-block-splitters.js';
import { parseMarkdownBlocks, type MarkdownBlock } from './markdown-blocks.js';
import { packUnits } from './pack-units.js';
import { splitRecursively } from './split-recursively.js';

/** How an oversized paragraph or list is cut: lines, sentences, clauses, words, tokens. */
const PARAGRAPH_SEPARATORS: readonly string[] = ['\n', '. ', '? ', '! ', '; ', ', ', ' ', ''];

/**
 * Structure-aware chunking of markdown: each heading starts a new chunk and its path (outermost
 * first) goes into the chunk's headingPath; blocks are packed whole; a table too big for one chunk
 * is cut between rows with its header repeated; a code fence too big is cut between lines and
 * reopened with its language. Plain-text documents (format 'text') are split recursively.
 */
export function createMarkdownChunker(options: ChunkerOptions): Chunker {
  const settings = resolveChunkerSettings(options);
  const { maxTokens, overlap } = settings;
  return {
    name: 'markdown',
    chunk(document) {
      const tokenized = tokenizeText(settings.tokenCounter, document.text);
      const plans: PlannedChunk[] = [];
      for (const region of documentRegions(document)) {
        if (document.format !== 'markdown') {
          const spans: Array<[number, number]> = [];
          splitRecursively({ tokenized, start: region.start, end: region.end, maxTokens, overlap, out: spans });
          for (const [start, end] of spans) plans.push({ start, end, headingPath: region.headingPath, page: region.page });
          continue;
        }
        const regionStart = plans.length;
        const headings: Array<{ level: number; title: string }> = [];
        let section: MarkdownBlock[] = [];
        let sectionPath = region.headingPath;
        const flush = () => {
          if (section.length === 0) return;
          const blocks = section;
          const base = { headingPath: sectionPath, page: region.page };
          packUnits({
            tokenized,
            units: blocks.map((block) => [block.start, block.end] as const),
            maxTokens,
            overlap,
            emit: (start, end) => plans.push({ ...base, start, end }),
            oversize: (index) => {
              const block = blocks[index];
              if (block.kind === 'table') return splitTable(tokenized, settings, block, base, plans);
              if (block.kind === 'fence') return splitFence(tokenized, settings, block, base, plans);
              const spans: Array<[number, number]> = [];
              splitRecursively({ tokenized, start: block.start, end: block.end, maxTokens, overlap, separators: PARAGRAPH_SEPARATORS, out: spans });
              for (const [start, end] of spans) plans.push({ ...base, start, end });
            },
          });
          section = [];
        };
        const headingOnly = new Map<number, number>();
        for (const block of parseMarkdownBlocks(document.text, region.start, region.end)) {
          if (block.kind === 'heading') headingOnly.set(block.start, block.end);
          if (block.kind === 'heading') {
            flush();
            while (headings.length > 0 && headings[headings.length - 1].level >= block.level) headings.pop();
            headings.push({ level: block.level, title: block.title });
            sectionPath = [...region.headingPath, ...headings.map((heading) => heading.title)];
          }
          section.push(block);
        }
        flush();
        absorbLoneHeadings(plans, regionStart, headingOnly, (plan) => settings.tokenCounter.count(document.text.slice(plan.start, plan.end) + (plan.suffix ?? '')) <= maxTokens);
      }
      return finalizeChunks(document, tokenized, plans, settings, 'markdown');
    },
  };
}

/**
 * A heading followed by a table or fence too big to join it would stand alone as a chunk; it is
 * merged into the next piece instead when that piece has no prefix and still fits.
 */
function absorbLoneHeadings(plans: PlannedChunk[], from: number, headings: Map<number, number>, fits: (plan: PlannedChunk) => boolean): void {
  for (let i = plans.length - 2; i >= from; i--) {
    const plan = plans[i];
    const next = plans[i + 1];
    if (headings.get(plan.start) !== plan.end || next.prefix || next.headingPath !== plan.headingPath) continue;
    const merged = { ...next, start: plan.start };
    if (fits(merged)) plans.splice(i, 2, merged);
  }
}

