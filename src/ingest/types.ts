/**
 * The ingest stage's data shapes and its two plug-in points, Loader and Chunker.
 * Flow: path -> Loader -> LoadedDocument -> Chunker -> ChunkDraft[] -> embed -> store.
 */

/** A section of a loaded document with structure the chunker can use (page, heading path). */
export interface DocumentSection {
  text: string;
  /** 1-based page number for paginated formats (PDF), when known. */
  page?: number;
  /** Headings above this section, outermost first. */
  headingPath?: string[];
}

/** What a Loader produces for one unit (a file, a JSONL record, a CSV row group). */
export interface LoadedDocument {
  /** Stable id within the tenant: the file path relative to the ingest root, or the dataset's own id. */
  externalId: string;
  /**
   * Where it came from, as users may see it (over HTTP too): the path relative to the ingest root
   * (with `#record` for a record of a file), `upload:<name>`, or a dataset URI. Never a server
   * path: a loader may set the `path` it was given (and `path#…` for records), and loadFile rewrites
   * that prefix to the relative path.
   */
  source: string;
  /**
   * The absolute path of the file on the ingesting machine, when it came from one: internal, kept
   * apart from `source` so `ingest --prune` can find the documents under a root.
   */
  location?: string;
  title: string;
  /** Full plain text; sections (when given) are slices of it, in order. */
  text: string;
  /** Markdown-ish structured text for the structure-aware chunker, when the format has structure. */
  format: 'text' | 'markdown';
  sections?: DocumentSection[];
  metadata: Record<string, unknown>;
}

/** A document as stored. */
export interface Document extends LoadedDocument {
  id: number;
  tenant: string;
  contentHash: string;
  configHash: string;
  version: number;
}

/** A chunk before it is stored. Offsets index into LoadedDocument.text. */
export interface ChunkDraft {
  ordinal: number;
  text: string;
  tokenCount: number;
  headingPath: string[];
  page?: number;
  charStart: number;
  charEnd: number;
  metadata: Record<string, unknown>;
}

/** A chunk as stored. */
export interface Chunk extends ChunkDraft {
  id: number;
  documentId: number;
}

/** Moved to src/models/tokens/token-counter.ts; re-exported here for the ingest plug-in types. */
export type { TokenCounter } from '../models/tokens/token-counter.js';

/** Splits a document into chunks that never exceed maxTokens of the token counter. */
export interface Chunker {
  readonly name: string;
  chunk(document: LoadedDocument): Promise<ChunkDraft[]> | ChunkDraft[];
}

/** Reads files of some kinds into documents. */
export interface Loader {
  readonly name: string;
  /** Lowercase extensions with the dot, e.g. ['.md', '.markdown']. */
  readonly extensions: readonly string[];
  /** True when the first bytes look like this loader's format (used when the extension is absent or wrong). */
  sniff?(head: Uint8Array): boolean;
  load(file: { path: string; relativePath: string; bytes: Uint8Array; mtime: Date }): Promise<LoadedDocument[]>;
}
