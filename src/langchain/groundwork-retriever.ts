import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { citationLabel } from '../generate/citation-label.js';
import type { Groundwork } from '../groundwork.js';
import { parseFilters } from '../retrieve/filters.js';
import type { Filter, RetrievalMode, RetrievedChunk } from '../retrieve/types.js';

/** What a retrieved Document carries in `metadata`: the chunk, its document and its citation marker. */
export interface GroundworkDocumentMetadata {
  chunkId: number;
  documentId: number;
  documentVersion: number;
  externalId: string;
  source: string;
  title: string;
  page?: number;
  headingPath: string[];
  ordinal: number;
  score: number;
  scores: RetrievedChunk['scores'];
  /** The marker groundwork's answers cite this chunk with: `[Source: Handbook, page 3]`. */
  citation: string;
  tenant: string;
  [key: string]: unknown;
}

export interface GroundworkRetrieverInput extends BaseRetrieverInput {
  groundwork: Groundwork;
  /** Default: the configured tenant. */
  tenant?: string;
  /** Chunks returned (default: the configured `retrieve.k`). */
  k?: number;
  /** sparse, dense or hybrid (default: the configured mode). */
  mode?: RetrievalMode;
  /** Metadata filters, as `POST /v1/retrieve` takes them; checked when the retriever is built. */
  filters?: Filter[];
}

/** A retrieved chunk as a LangChain Document. */
export function chunkToDocument(chunk: RetrievedChunk, tenant: string): Document<GroundworkDocumentMetadata> {
  return new Document<GroundworkDocumentMetadata>({
    pageContent: chunk.text,
    id: String(chunk.chunkId),
    metadata: {
      chunkId: chunk.chunkId,
      documentId: chunk.documentId,
      documentVersion: chunk.documentVersion,
      externalId: chunk.externalId,
      source: chunk.source,
      title: chunk.title,
      ...(chunk.page !== undefined ? { page: chunk.page } : {}),
      headingPath: chunk.headingPath,
      ordinal: chunk.ordinal,
      score: chunk.score,
      scores: chunk.scores,
      citation: citationLabel(chunk),
      tenant,
    },
  });
}

/**
 * Puts retrieved Documents into a prompt's context, each under its citation marker, so the model
 * can cite `[Source: ...]` as groundwork's own answers do.
 * @example RunnableSequence.from([{ context: retriever.pipe(formatDocumentsWithCitations), question: new RunnablePassthrough() }, prompt, model, new StringOutputParser()])
 */
export function formatDocumentsWithCitations(documents: ReadonlyArray<Document<Record<string, unknown>>>): string {
  return documents.map((d) => `${typeof d.metadata.citation === 'string' ? d.metadata.citation : '[Source: unknown]'}\n${d.pageContent}`).join('\n\n');
}

/**
 * A LangChain retriever over groundwork's retrieval (BM25, dense or hybrid, fusion, rerank) for
 * one tenant. Documents carry the chunk, its document and its citation marker in metadata.
 * @example const retriever = new GroundworkRetriever({ groundwork, tenant: 'acme', k: 4, mode: 'sparse' });
 */
export class GroundworkRetriever extends BaseRetriever {
  static override lc_name(): string {
    return 'GroundworkRetriever';
  }

  override lc_namespace = ['groundwork', 'retrievers'];
  readonly groundwork: Groundwork;
  readonly tenant: string;
  readonly k?: number;
  readonly mode?: RetrievalMode;
  readonly filters: Filter[];

  constructor(fields: GroundworkRetrieverInput) {
    super(fields);
    this.groundwork = fields.groundwork;
    this.tenant = fields.tenant ?? fields.groundwork.config.tenant;
    this.k = fields.k;
    this.mode = fields.mode;
    this.filters = parseFilters(fields.filters ?? []);
  }

  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document<GroundworkDocumentMetadata>[]> {
    const result = await this.groundwork.retrieve({ query, tenant: this.tenant, k: this.k, mode: this.mode, filters: this.filters });
    return result.chunks.map((chunk) => chunkToDocument(chunk, this.tenant));
  }
}
