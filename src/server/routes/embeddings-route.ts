import type { Hono } from 'hono';
import { z } from 'zod';
import { GroundworkError } from '../../errors.js';
import type { Embedder } from '../../models/types.js';
import { estimateTokens } from '../../router/usage-cost.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { parseJsonBody } from '../parse-input.js';
import { withRequestSignal } from '../request-guards.js';
import { resolveTenant } from '../resolve-tenant.js';

/** Inputs per request: OpenAI's own limit for `/v1/embeddings` (400 past it). */
export const MAX_EMBEDDING_INPUTS = 2048;
/** Tokens across all inputs of one request: OpenAI's own per-request limit (413 past it here). */
export const MAX_EMBEDDING_REQUEST_TOKENS = 300_000;

/**
 * OpenAI's embeddings request. Token-id inputs (arrays of integers) are refused: groundwork's
 * embedders take text. `input_type` and `tenant` are groundwork extras: `query` applies the
 * model's query prefix (e5, bge), `document` (the default) its passage prefix.
 */
export const embeddingsBodySchema = z
  .object({
    model: z.string().min(1),
    input: z.union([z.string(), z.array(z.string()), z.array(z.number()), z.array(z.array(z.number()))]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.number().int().positive().optional(),
    user: z.string().optional(),
    input_type: z.enum(['query', 'document']).optional(),
    tenant: z.string().optional(),
  })
  .strict();

function inputError(field: string, message: string, details: Record<string, unknown> = {}): GroundworkError {
  return new GroundworkError('INPUT', `${field}: ${message}`, { details: { fields: [{ field, message }], ...details } });
}

/** The embedder's id, or the part after its provider prefix (`local:Xenova/x` answers to `Xenova/x`). */
function namesEmbedder(model: string, embedder: Embedder): boolean {
  return model === embedder.id || model === embedder.id.slice(embedder.id.indexOf(':') + 1);
}

/** Little-endian float32 bytes in base64: what OpenAI sends for `encoding_format: "base64"`. */
function toBase64(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < vector.length; i += 1) view.setFloat32(i * 4, vector[i], true);
  return Buffer.from(bytes).toString('base64');
}

/** Checks the texts against the batch and token limits; returns the tokens counted. */
function checkInputs(texts: string[], embedder: Embedder): number {
  if (texts.length === 0) throw inputError('input', 'must not be an empty array');
  if (texts.length > MAX_EMBEDDING_INPUTS) throw inputError('input', `has ${texts.length} inputs; the limit is ${MAX_EMBEDDING_INPUTS} per request`, { limit: MAX_EMBEDDING_INPUTS });
  let total = 0;
  texts.forEach((text, i) => {
    if (text.length === 0) throw inputError(`input.${i}`, 'must not be an empty string');
    // Exact when the model can count (local models); otherwise the 4-characters estimate, and the
    // provider behind a remote embedder applies its own per-input limit.
    const tokens = embedder.countTokens ? embedder.countTokens(text) : estimateTokens(text);
    if (embedder.countTokens && tokens > embedder.maxInputTokens) {
      throw inputError(`input.${i}`, `is ${tokens} tokens; model ${embedder.id} takes at most ${embedder.maxInputTokens}`, { limit: embedder.maxInputTokens });
    }
    total += tokens;
  });
  if (total > MAX_EMBEDDING_REQUEST_TOKENS) {
    throw new GroundworkError('TOO_LARGE', `the inputs are ${total} tokens in all; the limit is ${MAX_EMBEDDING_REQUEST_TOKENS} per request: send them in smaller batches`, {
      details: { tokens: total, limit: MAX_EMBEDDING_REQUEST_TOKENS },
    });
  }
  return total;
}

/**
 * `POST /v1/embeddings`: OpenAI-compatible embeddings from the installed embedding model (the one
 * that built the index), floats or base64. Without one: 501 `MODEL_MISSING`. `dimensions` other
 * than the model's is refused (400): vectors are never cut down silently.
 */
export function registerEmbeddingsRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork, options, metrics } = deps;
  app.post('/v1/embeddings', async (c) => {
    const body = await parseJsonBody(c, embeddingsBodySchema);
    // The tenant owns nothing here, but a key still may not name another tenant (403), as everywhere.
    resolveTenant(c.get('principal'), body.tenant, groundwork.config.tenant);
    const embedder = groundwork.embedder;
    if (!embedder) {
      throw new GroundworkError('MODEL_MISSING', 'no embedding model installed: this server runs lexical-only (BM25). Install one (`groundwork models pull <id>` or `models import <dir>`) and restart', {
        details: { fields: [{ field: 'model', message: 'no embedding model installed' }] },
      });
    }
    if (!namesEmbedder(body.model, embedder)) throw inputError('model', `"${body.model}" is not installed; this server embeds with "${embedder.id}" (GET /v1/models)`);
    if (body.dimensions !== undefined && body.dimensions !== embedder.dimensions) {
      throw inputError('dimensions', `model ${embedder.id} makes ${embedder.dimensions}-dimensional vectors and cannot shorten them; omit dimensions or send ${embedder.dimensions}`);
    }
    const texts = typeof body.input === 'string' ? [body.input] : body.input;
    if (texts.some((item) => typeof item !== 'string')) throw inputError('input', 'token-id inputs (arrays of integers) are not supported: send the text');
    const tokens = checkInputs(texts as string[], embedder);
    const started = performance.now();
    const vectors = await withRequestSignal(
      c.get('signal'),
      body.input_type === 'query' ? Promise.all((texts as string[]).map((text) => embedder.embedQuery(text))) : embedDocumentsInBatches(embedder, texts as string[]),
      options.requestTimeoutMs,
    );
    metrics.observeStage('embed', (performance.now() - started) / 1000);
    const base64 = body.encoding_format === 'base64';
    return c.json({
      object: 'list',
      data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: base64 ? toBase64(vector) : Array.from(vector) })),
      model: embedder.id,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
  });
}

/** embedDocuments in slices of the model's maxBatchSize. */
async function embedDocumentsInBatches(embedder: Embedder, texts: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += embedder.maxBatchSize) out.push(...(await embedder.embedDocuments(texts.slice(start, start + embedder.maxBatchSize))));
  return out;
}
