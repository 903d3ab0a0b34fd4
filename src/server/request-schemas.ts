import { z } from 'zod';
import { tenantNameSchema } from '../config/tenant-name.js';
import { filtersSchema } from '../retrieve/filters.js';
import { retrievalModeSchema } from '../retrieve/retrieval-modes.js';
import { MAX_QUERY_CHARS } from '../retrieve/retriever.js';

const question = z.string().max(MAX_QUERY_CHARS).refine((s) => s.trim().length > 0, 'must not be empty');
const mode = retrievalModeSchema;
/** Chat turns a client may send as history (its own system messages are never passed to the model). */
export const historyMessageSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string().max(64_000) }).strict();

/** `POST /v1/ask` body. */
export const askBodySchema = z
  .object({
    question,
    tenant: z.string().optional(),
    filters: filtersSchema.optional(),
    mode: mode.optional(),
    topK: z.number().int().min(1).max(100).optional(),
    history: z.array(historyMessageSchema).max(200).optional(),
    stream: z.boolean().optional(),
  })
  .strict();

/** `POST /v1/retrieve` body. */
export const retrieveBodySchema = z
  .object({
    query: question,
    tenant: z.string().optional(),
    k: z.number().int().min(1).max(1000).optional(),
    mode: mode.optional(),
    filters: filtersSchema.optional(),
  })
  .strict();

/** `POST /v1/keys` body (admin keys only). */
export const createKeyBodySchema = z
  .object({
    tenant: tenantNameSchema,
    admin: z.boolean().optional(),
    name: z.string().max(200).optional(),
  })
  .strict();

export type AskBody = z.infer<typeof askBodySchema>;
export type RetrieveBody = z.infer<typeof retrieveBodySchema>;
