import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { GroundworkError, InputError } from '../../errors.js';
import type { LoaderRegistry } from '../../ingest/loaders/loader-registry.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { enqueueIngestJob } from '../ingest-jobs.js';
import { parseQuery } from '../parse-input.js';
import { withRequestSignal } from '../request-guards.js';
import { resolveTenant } from '../resolve-tenant.js';
import { checkUploadName, uploadedSourceItems, type UploadedFile } from '../upload-documents.js';

/** Page size of `GET /v1/documents` when none is asked for, and the most one page may hold. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

/** Query of `GET /v1/documents`. */
export const listQuerySchema = z
  .object({
    tenant: z.string().optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    after: z.coerce.number().int().min(0).default(0),
  })
  .strict();
/** Query of `DELETE /v1/documents/:id`. */
export const tenantQuerySchema = z.object({ tenant: z.string().optional() }).strict();

/**
 * `POST /v1/documents` (multipart: one or more files, optional `tenant` field): uploads up to
 * `uploadJobThresholdBytes` are ingested inline (200 with the ingest summary); larger ones are
 * queued (202 with the job id, `GET /v1/jobs/:id`). `GET /v1/documents` lists the tenant's
 * documents, keyset-paginated by id (`?limit=&after=`). `DELETE /v1/documents/:id` deletes one
 * of the tenant's documents; another tenant's id is a 404.
 */
export function registerDocumentsRoutes(app: Hono<AppEnv>, deps: RouteDeps & { loaders: LoaderRegistry }): void {
  const { groundwork, options, loaders } = deps;

  app.post(
    '/v1/documents',
    bodyLimit({
      maxSize: options.uploadLimitBytes,
      onError: () => {
        throw new GroundworkError('TOO_LARGE', `upload is larger than the server's limit of ${options.uploadLimitBytes} bytes`, { details: { limitBytes: options.uploadLimitBytes } });
      },
    }),
    async (c) => {
      if (!c.req.header('content-type')?.toLowerCase().startsWith('multipart/form-data')) {
        throw new InputError('content-type', 'upload documents as multipart/form-data with one or more file fields');
      }
      const form = await c.req.parseBody({ all: true });
      const requestedTenant = typeof form.tenant === 'string' ? form.tenant : c.req.query('tenant');
      const tenant = resolveTenant(c.get('principal'), requestedTenant, groundwork.config.tenant);
      const files: UploadedFile[] = [];
      for (const [field, value] of Object.entries(form)) {
        for (const item of Array.isArray(value) ? value : [value]) {
          if (typeof item === 'string') continue;
          files.push({ name: checkUploadName(item.name, field), bytes: new Uint8Array(await item.arrayBuffer()) });
        }
      }
      if (files.length === 0) throw new InputError('file', 'no file in the upload: send one or more files as multipart form fields (e.g. -F file=@handbook.md)');
      const totalBytes = files.reduce((sum, f) => sum + f.bytes.byteLength, 0);
      if (totalBytes > options.uploadJobThresholdBytes) {
        const job = await enqueueIngestJob(groundwork.db, tenant, files);
        c.header('Location', `/v1/jobs/${job.id}`);
        return c.json({ jobId: job.id, status: job.status, tenant, files: files.length, totalBytes, statusUrl: `/v1/jobs/${job.id}` }, 202);
      }
      const started = performance.now();
      const summary = await withRequestSignal(c.get('signal'), groundwork.ingest(uploadedSourceItems(files, loaders, { maxFileBytes: groundwork.config.ingest.maxFileBytes }), { tenant }), options.requestTimeoutMs);
      deps.metrics.observeStage('ingest', (performance.now() - started) / 1000);
      return c.json({ status: 'done', tenant, summary });
    },
  );

  app.get('/v1/documents', async (c) => {
    const query = parseQuery(c, listQuerySchema);
    const tenant = resolveTenant(c.get('principal'), query.tenant, groundwork.config.tenant);
    return c.json(await groundwork.listDocuments({ tenant, limit: query.limit, after: query.after }));
  });

  app.delete('/v1/documents/:id', async (c) => {
    const { tenant: requested } = parseQuery(c, tenantQuerySchema);
    const tenant = resolveTenant(c.get('principal'), requested, groundwork.config.tenant);
    const raw = c.req.param('id');
    const id = Number(raw);
    if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(id)) throw new InputError('id', `must be a document id (a positive integer), got ${JSON.stringify(raw)}`);
    return c.json(await groundwork.deleteDocument(tenant, id));
  });
}
