import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { GroundworkError } from '../../errors.js';
import type { Groundwork } from '../../groundwork.js';
import { filtersSchema } from '../../retrieve/filters.js';
import { retrievalModeSchema } from '../../retrieve/retrieval-modes.js';
import { MAX_QUERY_CHARS } from '../../retrieve/retriever.js';
import { citationFooter } from '../citation-footer.js';
import type { McpOptions } from './mcp-options.js';
import { citedDocumentsOf, type RequestArm } from '../../registry/request-arm.js';

/** The name MCP clients see for this server. */
export const MCP_SERVER_NAME = 'groundwork';
/** URI template of a document resource; `{id}` is the document id of `list_documents`. */
export const DOCUMENT_URI_TEMPLATE = 'groundwork://documents/{id}';

export interface CreateMcpServerOptions {
  groundwork: Groundwork;
  options: McpOptions;
  /** The tenant a call acts on, from an optional `tenant` argument: throws FORBIDDEN for another tenant's key. */
  resolveTenant: (requested: string | undefined) => string;
  /** Aborted when the caller's request ends (HTTP timeout, client gone); tools stop their work with it. */
  signal?: AbortSignal;
  version: string;
  /** The HTTP request's id (x-request-id): an `ask` answers under it, so its telemetry row, its rating and its kept question share one id. */
  requestId?: string;
  /** The registry's arm of the caller (A/B test, canary, production entries) when the server serves arms: `ask` answers with its Groundwork, as /v1/ask does. */
  arm?: RequestArm;
}

const question = z.string().min(1).max(MAX_QUERY_CHARS).refine((s) => s.trim().length > 0, 'must not be empty');
const mode = retrievalModeSchema;
const tenant = z.string().optional().describe('tenant (default: the API key\'s own, or the configured one); another tenant is refused');

/**
 * A tool result for an error: ours with its code, then its message; anything else as INTERNAL,
 * its details on stderr only (a database error may name hosts or paths).
 */
function toolError(error: unknown): CallToolResult {
  if (error instanceof GroundworkError) return { isError: true, content: [{ type: 'text', text: `${error.code}: ${error.message}` }] };
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'error', msg: 'MCP tool failed', error: (error as Error)?.stack ?? String(error) })}\n`);
  return { isError: true, content: [{ type: 'text', text: 'INTERNAL: internal error (see the server log)' }] };
}

const result = (text: string, structured: Record<string, unknown>): CallToolResult => ({ content: [{ type: 'text', text }], structuredContent: structured });

async function insideAllowed(path: string, allowed: readonly string[]): Promise<string> {
  const real = await realpath(resolve(path)).catch(() => {
    throw new GroundworkError('INPUT', `paths: ${JSON.stringify(path)} does not exist on the server`, { details: { field: 'paths' } });
  });
  for (const root of allowed) {
    const realRoot = await realpath(resolve(root)).catch(() => undefined);
    if (!realRoot) continue;
    const rel = relative(realRoot, real);
    if (rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))) return real;
  }
  throw new GroundworkError('FORBIDDEN', `paths: ${JSON.stringify(path)} is outside the folders mcp.allowIngestPaths allows`, { details: { field: 'paths' } });
}

/**
 * groundwork as an MCP server (official SDK): tools `search`, `ask`, `list_documents` and
 * `ingest`, and each document as a resource (`groundwork://documents/{id}`). One server serves
 * one caller; every call acts on `resolveTenant`'s tenant only. With `arm`, `ask` answers with the
 * caller's registry arm (the same resolution as /v1/ask); `search` stays on the base, as /v1/retrieve.
 * @example const server = createMcpServer({ groundwork, options: config.mcp, resolveTenant: (t) => t ?? 'default', version });
 */
export function createMcpServer(deps: CreateMcpServerOptions): McpServer {
  const { groundwork, options } = deps;
  const server = new McpServer({ name: MCP_SERVER_NAME, version: deps.version }, { capabilities: { tools: {}, resources: {} } });
  const signalFor = (extra: { signal: AbortSignal }) => (deps.signal ? AbortSignal.any([deps.signal, extra.signal]) : extra.signal);

  server.registerTool(
    'search',
    {
      title: 'Search the documents',
      description: 'Ranked chunks of the knowledge base for a query (BM25, dense or hybrid), each with its document, source and score. No answer is written.',
      inputSchema: { query: question, k: z.number().int().min(1).max(100).optional(), mode: mode.optional(), filters: filtersSchema.optional(), tenant },
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      try {
        const found = await groundwork.retrieve({ query: args.query, tenant: deps.resolveTenant(args.tenant), k: args.k, mode: args.mode, filters: args.filters });
        const chunks = found.chunks.map((c, i) => ({
          rank: i + 1,
          score: c.score,
          chunkId: c.chunkId,
          documentId: c.documentId,
          externalId: c.externalId,
          title: c.title,
          source: c.source,
          ...(c.page !== undefined ? { page: c.page } : {}),
          headingPath: c.headingPath,
          uri: DOCUMENT_URI_TEMPLATE.replace('{id}', String(c.documentId)),
          text: c.text,
        }));
        const text = chunks.length === 0 ? 'No matching chunks.' : chunks.map((c) => `${c.rank}. ${c.title || c.source} (${c.source}, score ${c.score.toFixed(3)})\n${c.text}`).join('\n\n');
        return result(text, { mode: found.mode, confidence: found.confidence, notices: found.notices, chunks });
      } catch (error) {
        return toolError(error);
      }
    },
  );

  server.registerTool(
    'ask',
    {
      title: 'Ask the documents',
      description: 'A grounded answer with citations (document, source and the quoted sentence), or a refusal when the documents do not support an answer.',
      inputSchema: { question, mode: mode.optional(), topK: z.number().int().min(1).max(100).optional(), filters: filtersSchema.optional(), tenant },
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      try {
        const target = deps.resolveTenant(args.tenant);
        const served = (await deps.arm?.groundworkFor(target)) ?? groundwork;
        const answer = await served.ask({ question: args.question, tenant: target, mode: args.mode, topK: args.topK, filters: args.filters, signal: signalFor(extra), requestId: deps.requestId });
        deps.arm?.answered(target, answer.requestId, args.question, { refused: answer.refused, citedDocuments: citedDocumentsOf(answer.citations) });
        const citations = answer.citations.map((c) => ({ documentId: c.documentId, chunkId: c.chunkId, externalId: c.externalId, title: c.title, source: c.source, page: c.page, marker: c.marker, quote: c.quote }));
        return result(answer.answer + citationFooter(answer.citations), {
          answer: answer.answer,
          refused: answer.refused,
          ...(answer.refusalReason ? { refusalReason: answer.refusalReason } : {}),
          citations,
          model: answer.model,
          cacheHit: answer.cache.hit,
          requestId: answer.requestId,
        });
      } catch (error) {
        return toolError(error);
      }
    },
  );

  server.registerTool(
    'list_documents',
    {
      title: 'List the documents',
      description: 'The documents of the knowledge base, by id (page with `after`: the last id seen).',
      inputSchema: { limit: z.number().int().min(1).max(200).optional(), after: z.number().int().min(0).optional(), tenant },
      annotations: { readOnlyHint: true },
    },
    async (args) => {
      try {
        const limit = args.limit ?? 50;
        const listed = await groundwork.listDocuments({ tenant: deps.resolveTenant(args.tenant), limit, after: args.after ?? 0 });
        const page = listed.documents.map((r) => ({ id: r.id, externalId: r.externalId, source: r.source, title: r.title, version: r.version, chunkCount: r.chunkCount, uri: DOCUMENT_URI_TEMPLATE.replace('{id}', String(r.id)) }));
        const text = page.length === 0 ? 'No documents.' : page.map((d) => `${d.id}\t${d.title || d.externalId}\t${d.source}`).join('\n');
        return result(text, { documents: page, nextAfter: listed.nextAfter });
      } catch (error) {
        return toolError(error);
      }
    },
  );

  server.registerTool(
    'ingest',
    {
      title: 'Ingest files on the server',
      description: 'Ingests files or folders that are on the server\'s machine, inside the folders the server\'s config allows (mcp.allowIngestPaths); refused when it allows none.',
      inputSchema: { paths: z.array(z.string().min(1)).min(1).max(100), prune: z.boolean().optional(), tenant },
    },
    async (args, extra) => {
      try {
        const target = deps.resolveTenant(args.tenant);
        if (options.allowIngestPaths.length === 0) {
          throw new GroundworkError('FORBIDDEN', 'ingesting server-side paths is off on this server: set mcp.allowIngestPaths in its config to the folders it may read');
        }
        const paths = await Promise.all(args.paths.map((p) => insideAllowed(p, options.allowIngestPaths)));
        const signal = signalFor(extra);
        if (signal.aborted) throw new GroundworkError('TIMEOUT', 'the request ended before ingesting started');
        const summary = await groundwork.ingest(paths, { tenant: target, prune: args.prune });
        const d = summary.documents;
        return result(`ingested into ${target}: ${d.added} added, ${d.updated} updated, ${d.unchanged} unchanged, ${d.deleted} deleted, ${d.skipped} skipped; ${summary.chunks} chunks`, {
          tenant: target,
          documents: d,
          chunks: summary.chunks,
          skipped: summary.skipped,
          notices: summary.notices,
        });
      } catch (error) {
        return toolError(error);
      }
    },
  );

  server.registerResource(
    'document',
    new ResourceTemplate(DOCUMENT_URI_TEMPLATE, {
      list: async () => {
        const { documents } = await groundwork.listDocuments({ tenant: deps.resolveTenant(undefined), limit: options.maxListedResources });
        return { resources: documents.map((r) => ({ uri: DOCUMENT_URI_TEMPLATE.replace('{id}', String(r.id)), name: r.title || r.externalId, description: r.source, mimeType: 'text/plain' })) };
      },
    }),
    { title: 'A document', description: 'The text of one document as indexed (its chunks joined in order)', mimeType: 'text/plain' },
    async (uri, variables) => {
      const raw = String(variables.id);
      const id = Number(raw);
      if (!/^\d{1,15}$/.test(raw)) throw new GroundworkError('INPUT', `id: must be a document id (a positive integer), got ${JSON.stringify(raw)}`);
      const document = await groundwork.readDocument(deps.resolveTenant(undefined), id);
      // Another tenant's document reads exactly like one that does not exist.
      if (!document) throw new GroundworkError('NOT_FOUND', `document ${id} does not exist`);
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: document.text }] };
    },
  );

  return server;
}
