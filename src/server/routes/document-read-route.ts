import type { Hono } from 'hono';
import { z } from 'zod';
import { GroundworkError, InputError } from '../../errors.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { parseQuery } from '../parse-input.js';
import { resolveTenant } from '../resolve-tenant.js';

/** Chunks one read returns when none is asked for, and the most it may return (a 50 MB document has ~38k). */
const DEFAULT_CHUNK_WINDOW = 20;
const MAX_CHUNK_WINDOW = 500;

/** Query of `GET /v1/documents/:id`. */
export const documentReadQuerySchema = z
  .object({
    tenant: z.string().optional(),
    /** Centre the window on this chunk (a citation's chunkId). */
    chunk: z.coerce.number().int().min(1).optional(),
    /** First chunk ordinal of the window (ignored with `chunk`). */
    from: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(MAX_CHUNK_WINDOW).default(DEFAULT_CHUNK_WINDOW),
  })
  .strict();

type DocumentRow = { id: number; external_id: string; source: string; title: string; version: number; chunk_count: number; token_count: number; metadata: Record<string, unknown>; updated_at: Date };
type ChunkRow = { id: number; ordinal: number; text: string; heading_path: string[]; page: number | null; char_start: number; char_end: number };

/**
 * `GET /v1/documents/:id[?chunk=&from=&limit=]`: one of the tenant's documents with a window of
 * its chunks in order (`chunk` centres the window on a cited chunk), so a client can show a
 * quoted passage in its place. Another tenant's document, or a chunk of another document, is a 404.
 * Text is returned as stored: loaders already made markup in it inert (neutralizeMarkup), and
 * clients render it as text.
 */
export function registerDocumentReadRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork } = deps;
  const db = groundwork.db;
  app.get('/v1/documents/:id', async (c) => {
    const query = parseQuery(c, documentReadQuerySchema);
    const tenant = resolveTenant(c.get('principal'), query.tenant, groundwork.config.tenant);
    const raw = c.req.param('id');
    const id = Number(raw);
    if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id)) throw new InputError('id', `must be a document id (a positive integer), got ${JSON.stringify(raw)}`);
    const { rows } = await db.query<DocumentRow>(
      `SELECT id::int AS id, external_id, source, title, version, chunk_count, token_count, metadata, updated_at
         FROM documents WHERE tenant = $1 AND id = $2`,
      [tenant, id],
    );
    const document = rows[0];
    if (!document) throw new GroundworkError('NOT_FOUND', `document ${id} does not exist`, { details: { id } });
    let from = query.from;
    if (query.chunk !== undefined) {
      const cited = await db.query<{ ordinal: number }>('SELECT ordinal FROM chunks WHERE tenant = $1 AND document_id = $2 AND id = $3', [tenant, id, query.chunk]);
      if (cited.rows.length === 0) throw new GroundworkError('NOT_FOUND', `chunk ${query.chunk} is not part of document ${id}`, { details: { id, chunk: query.chunk } });
      from = Math.max(0, cited.rows[0].ordinal - Math.floor((query.limit - 1) / 2));
    }
    const chunks = await db.query<ChunkRow>(
      `SELECT id::int AS id, ordinal, text, heading_path, page, char_start, char_end
         FROM chunks WHERE tenant = $1 AND document_id = $2 AND ordinal >= $3 ORDER BY ordinal LIMIT $4`,
      [tenant, id, from, query.limit],
    );
    return c.json({
      tenant,
      document: {
        id: document.id,
        externalId: document.external_id,
        source: document.source,
        title: document.title,
        version: document.version,
        chunkCount: document.chunk_count,
        tokenCount: document.token_count,
        metadata: document.metadata,
        updatedAt: document.updated_at,
      },
      from,
      chunks: chunks.rows.map((r) => ({ id: r.id, ordinal: r.ordinal, text: r.text, headingPath: r.heading_path, page: r.page, charStart: r.char_start, charEnd: r.char_end })),
    });
  });
}
