import { tool } from '@langchain/core/tools';
import { z } from 'zod';
import type { Groundwork } from '../groundwork.js';
import { parseFilters } from '../retrieve/filters.js';
import type { Filter, RetrievalMode } from '../retrieve/types.js';
import { MAX_QUERY_CHARS } from '../retrieve/retriever.js';
import { citationFooter } from '../server/citation-footer.js';

export interface AskGroundworkToolOptions {
  groundwork: Groundwork;
  /** Default: the configured tenant. */
  tenant?: string;
  mode?: RetrievalMode;
  filters?: Filter[];
  /** Default `ask_groundwork`. */
  name?: string;
  description?: string;
}

/** What the tool returns beside its text (the `artifact` of a ToolMessage). */
export interface AskGroundworkArtifact {
  refused: boolean;
  refusalReason?: string;
  citations: Array<{ documentId: number; chunkId: number; externalId: string; title: string; source: string; page?: number; marker: string; quote: string }>;
  model: string;
}

/**
 * A LangChain tool that asks groundwork: the content is the answer with its sources listed
 * (`Sources:\n- [Source: X]: "quote"`) or the refusal; the artifact has the citations.
 * @example const agentTools = [createAskGroundworkTool({ groundwork, tenant: 'acme' })];
 */
export function createAskGroundworkTool(options: AskGroundworkToolOptions) {
  const filters = parseFilters(options.filters ?? []);
  return tool(
    async ({ question }): Promise<[string, AskGroundworkArtifact]> => {
      const result = await options.groundwork.ask({ question, tenant: options.tenant, mode: options.mode, filters });
      const citations = result.citations.map((c) => ({ documentId: c.documentId, chunkId: c.chunkId, externalId: c.externalId, title: c.title, source: c.source, page: c.page, marker: c.marker, quote: c.quote }));
      return [result.answer + citationFooter(result.citations), { refused: result.refused, ...(result.refusalReason ? { refusalReason: result.refusalReason } : {}), citations, model: result.model }];
    },
    {
      name: options.name ?? 'ask_groundwork',
      description:
        options.description ??
        "Answers a question from the team's own documents, citing each source, or says it does not have enough information. Ask one self-contained question.",
      schema: z.object({ question: z.string().min(1).max(MAX_QUERY_CHARS).describe('the question, self-contained') }),
      responseFormat: 'content_and_artifact',
    },
  );
}
