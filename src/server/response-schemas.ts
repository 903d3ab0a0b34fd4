import { z } from 'zod';
import { retrievalModeSchema } from '../retrieve/retrieval-modes.js';

/**
 * The JSON responses of the HTTP API as zod schemas: the source of `/openapi.json` (with the
 * request schemas), and what the route tests check real responses against. They describe, they
 * do not filter: routes are not run through them.
 */

const isoDate = z.string().describe('ISO 8601 date-time');

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().describe('INPUT, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, TOO_LARGE, RATE_LIMITED, BUDGET_EXCEEDED, UNAVAILABLE, TIMEOUT, INTERNAL, ...'),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .describe('Every error: 400 invalid input, 401/403 auth, 404, 413 too large, 429 rate or budget, 5xx ours');

export const usageSchema = z.object({ inputTokens: z.number().int(), outputTokens: z.number().int(), cachedInputTokens: z.number().int() });

const chunkReference = {
  documentId: z.number().int(),
  chunkId: z.number().int(),
  externalId: z.string(),
  source: z.string(),
  title: z.string(),
  page: z.number().int().optional(),
};

export const answerSourceSchema = z.object({ ...chunkReference, contextIndex: z.number().int(), score: z.number(), label: z.string(), truncated: z.boolean() });

export const citationSchema = z.object({
  ...chunkReference,
  marker: z.string().describe('the marker as it reads in the answer, e.g. [Source: Handbook, page 3]'),
  contextIndex: z.number().int(),
  answerSpan: z.string(),
  quote: z.string().describe('the sentence of the cited chunk that supports answerSpan'),
});

/** `POST /v1/ask` (without `stream`). */
export const askResponseSchema = z.object({
  answer: z.string(),
  citations: z.array(citationSchema),
  refused: z.boolean(),
  refusalReason: z.enum(['no-context', 'low-confidence', 'unanswerable', 'no-supporting-sentence', 'model-refused']).optional(),
  answerabilityScore: z.number().min(0).max(1).optional(),
  droppedCitations: z.number().int(),
  model: z.string(),
  usage: usageSchema,
  sources: z.array(answerSourceSchema),
  costUsd: z.number(),
  cache: z.object({ hit: z.boolean(), layer: z.enum(['exact', 'semantic']).nullable(), similarity: z.number().nullable() }),
  route: z.object({ policy: z.string(), model: z.string() }).describe('the router decision (policy, model, steps, ...)'),
  retrieval: z.object({ mode: retrievalModeSchema, requestedMode: retrievalModeSchema.optional(), confidence: z.number(), notices: z.array(z.string()) }),
  latencyMs: z.number(),
  requestId: z.string(),
});

export const retrievedChunkSchema = z.object({
  ...chunkReference,
  documentVersion: z.number().int(),
  text: z.string(),
  ordinal: z.number().int(),
  headingPath: z.array(z.string()),
  metadata: z.record(z.string(), z.unknown()),
  score: z.number(),
  scores: z.object({
    sparse: z.number().optional(),
    sparseRank: z.number().optional(),
    dense: z.number().optional(),
    denseRank: z.number().optional(),
    fused: z.number().optional(),
    rerank: z.number().optional(),
  }),
});

/** `POST /v1/retrieve`. */
export const retrieveResponseSchema = z.object({
  query: z.string(),
  mode: retrievalModeSchema,
  requestedMode: retrievalModeSchema.optional(),
  notices: z.array(z.string()),
  confidence: z.number().min(0).max(1),
  chunks: z.array(retrievedChunkSchema),
  timings: z
    .object({
      totalMs: z.number(),
      legsMs: z.record(z.string(), z.number()).describe('per retrieval leg that ran (sparse, dense, ...)'),
      rerankMs: z.number(),
      embedMs: z.number().optional().describe('query embedding, part of the embedding legs\' time'),
    })
    .describe('milliseconds'),
  tenant: z.string(),
  requestId: z.string(),
});

const openAIUsageSchema = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int() }),
});

/** `POST /v1/chat/completions` (without `stream`): OpenAI's chat.completion, plus `citations` and `refused`. */
export const chatCompletionResponseSchema = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({ role: z.literal('assistant'), content: z.string(), refusal: z.null() }),
      finish_reason: z.string(),
      logprobs: z.null(),
    }),
  ),
  usage: openAIUsageSchema,
  citations: z.array(citationSchema),
  refused: z.boolean(),
});

export const ingestSummarySchema = z.object({
  documents: z.object({ added: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), deleted: z.number().int(), skipped: z.number().int() }),
  chunks: z.number().int(),
  tokens: z.number().int(),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  truncated: z.number().int(),
  embedder: z.string().optional(),
  notices: z.array(z.string()),
  dryRun: z.boolean(),
  durationMs: z.number(),
});

/** `POST /v1/documents`: 200 when ingested inline, 202 when queued as a job. */
export const uploadResponseSchema = z.union([
  z.object({ status: z.literal('done'), tenant: z.string(), summary: ingestSummarySchema }),
  z.object({ jobId: z.string(), status: z.literal('queued'), tenant: z.string(), files: z.number().int(), totalBytes: z.number().int(), statusUrl: z.string() }),
]);

export const documentSchema = z.object({
  id: z.number().int(),
  externalId: z.string(),
  source: z.string(),
  title: z.string(),
  version: z.number().int(),
  chunkCount: z.number().int(),
  tokenCount: z.number().int(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: isoDate,
  updatedAt: isoDate,
});

/** `GET /v1/documents`: one page; pass `nextAfter` as `?after=` for the next. */
export const documentListResponseSchema = z.object({ tenant: z.string(), documents: z.array(documentSchema), nextAfter: z.number().int().nullable() });

/** `DELETE /v1/documents/:id`. */
export const documentDeleteResponseSchema = z.object({ deleted: z.number().int(), tenant: z.string(), indexVersion: z.number().int() });

/** `GET /v1/jobs/:id`. */
export const jobResponseSchema = z.object({
  id: z.string(),
  tenant: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  fileCount: z.number().int(),
  totalBytes: z.number().int(),
  attempts: z.number().int(),
  result: ingestSummarySchema.nullable(),
  error: z.string().nullable(),
  createdAt: isoDate,
  startedAt: isoDate.nullable(),
  finishedAt: isoDate.nullable(),
});

/** `GET /v1/tools`. */
export const toolListResponseSchema = z.object({ tools: z.array(z.object({ name: z.string(), description: z.string() })) });
/** `POST /v1/tools/:name`: the tool's output (its own schema, in components as `Tool_<name>_output`). */
export const toolRunResponseSchema = z.object({ tool: z.string(), output: z.unknown() });

export const apiKeySchema = z.object({
  id: z.number().int(),
  tenant: z.string(),
  prefix: z.string().describe('the first characters of the secret, to tell keys apart'),
  name: z.string(),
  admin: z.boolean(),
  createdAt: isoDate,
  revokedAt: isoDate.nullable(),
});
/** `POST /v1/keys`: the new key, with its secret (`key`) shown this once. */
export const createdKeyResponseSchema = apiKeySchema.extend({ key: z.string().describe('the secret: send it as "Authorization: Bearer <key>"; shown only here') });
/** `GET /v1/keys`. */
export const keyListResponseSchema = z.object({ keys: z.array(apiKeySchema) });

/** `GET /health`. */
export const healthResponseSchema = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() });
/** `GET /ready` (200 ready, 503 not). Shows no filesystem paths. */
export const readyResponseSchema = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.looseObject({ ok: z.boolean() })).describe('database, migrations, models, accepting'),
});
