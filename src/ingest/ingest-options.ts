import { z } from 'zod';
import { CHUNKER_NAMES } from './chunkers/create-chunker.js';
import { SEMANTIC_DEFAULT_BREAKPOINT } from './chunkers/semantic-chunker.js';
import { DEFAULT_CSV_OPTIONS } from './loaders/csv-loader.js';
import { DEFAULT_JSON_FIELDS } from './loaders/json-loader.js';
import { DEFAULT_HEAP_GROWTH_PERCENT } from './heap-growth.js';
import { DEFAULT_MAX_FILE_BYTES } from './loaders/load-file.js';
import { TIKTOKEN_ENCODINGS } from '../models/tokens/tiktoken-counter.js';

/**
 * 512 tokens with 50 of overlap: the common RAG default (LangChain and LlamaIndex examples use
 * 512-1024 with ~10% overlap), inside every supported embedder's input limit (e5 and MiniLM: 512).
 */
export const DEFAULT_CHUNK_SIZE = 512;
export const DEFAULT_CHUNK_OVERLAP = 50;

/** Loading and chunking options (the storing pipeline adds its own, e.g. batchDocuments). */
export const ingestOptionsSchema = z
  .object({
    chunker: z.enum(CHUNKER_NAMES).default('markdown'),
    /** Largest chunk in tokens; capped at the embedder's maximum input. */
    chunkSize: z.number().int().min(16).max(8192).default(DEFAULT_CHUNK_SIZE),
    /** Tokens shared by consecutive chunks (exact for 'fixed', whole units for the others). */
    chunkOverlap: z.number().int().min(0).max(4096).default(DEFAULT_CHUNK_OVERLAP),
    /** 'auto': the embedder's own tokenizer when it has one, else cl100k_base. */
    tokenizer: z.enum(['auto', ...TIKTOKEN_ENCODINGS]).default('auto'),
    /**
     * Worker threads that chunk and analyze documents during ingest (0: the main thread). Default:
     * available cores - 1 (1 to 4), started once a run holds more than one batch.
     */
    prepareWorkers: z.number().int().min(0).max(64).optional(),
    /**
     * The `ingest` and `worker` commands let V8's heap grow this many percent past its live data
     * between full collections (process-wide; see ingest/heap-growth.ts). 0: V8's own heuristic.
     */
    heapGrowthPercent: z.number().int().min(0).max(1000).default(DEFAULT_HEAP_GROWTH_PERCENT),
    /** Files over this size are skipped as 'too-large'. */
    maxFileBytes: z.number().int().positive().default(DEFAULT_MAX_FILE_BYTES),
    /** Globs a file must match (relative to its root); empty = every non-hidden file. */
    include: z.array(z.string().min(1)).default([]),
    /** Globs excluded in addition to node_modules and .git. */
    exclude: z.array(z.string().min(1)).default([]),
    /** Honor .gitignore and .groundworkignore files. */
    respectGitignore: z.boolean().default(true),
    /** Which JSON/JSONL record fields hold id, text, title, metadata (first present wins; dotted paths). */
    json: z
      .object({
        idFields: z.array(z.string().min(1)).min(1).default(DEFAULT_JSON_FIELDS.idFields),
        textFields: z.array(z.string().min(1)).min(1).default(DEFAULT_JSON_FIELDS.textFields),
        titleFields: z.array(z.string().min(1)).min(1).default(DEFAULT_JSON_FIELDS.titleFields),
        metadataFields: z.array(z.string().min(1)).optional(),
      })
      .strict()
      .prefault({}),
    csv: z
      .object({
        rowsPerDocument: z.number().int().min(1).max(10_000).default(DEFAULT_CSV_OPTIONS.rowsPerDocument),
        idColumn: z.string().min(1).optional(),
        titleColumn: z.string().min(1).optional(),
        delimiter: z.string().length(1).optional(),
      })
      .strict()
      .prefault({}),
    semantic: z
      .object({
        method: z.enum(['percentile', 'stddev']).default(SEMANTIC_DEFAULT_BREAKPOINT.method),
        amount: z.number().min(0).max(100).default(SEMANTIC_DEFAULT_BREAKPOINT.amount),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((options, context) => {
    if (options.chunkOverlap >= options.chunkSize) {
      context.addIssue({ code: 'custom', path: ['chunkOverlap'], message: `must be below chunkSize (${options.chunkSize})` });
    }
  });

export type IngestOptions = z.infer<typeof ingestOptionsSchema>;
