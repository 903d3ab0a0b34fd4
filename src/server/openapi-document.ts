import { z } from 'zod';
import type { Tool } from '../classic-ml/tool.js';
import { askBodySchema, createKeyBodySchema, retrieveBodySchema } from './request-schemas.js';
import {
  answerSourceSchema,
  askResponseSchema,
  citationSchema,
  documentSchema,
  ingestSummarySchema,
  retrievedChunkSchema,
  usageSchema,
  chatCompletionResponseSchema,
  createdKeyResponseSchema,
  documentDeleteResponseSchema,
  documentListResponseSchema,
  errorResponseSchema,
  healthResponseSchema,
  jobResponseSchema,
  keyListResponseSchema,
  apiKeySchema,
  readyResponseSchema,
  retrieveResponseSchema,
  toolListResponseSchema,
  toolRunResponseSchema,
  uploadResponseSchema,
} from './response-schemas.js';
import { chatCompletionsBodySchema } from './routes/chat-completions-route.js';
import { listQuerySchema as documentListQuerySchema, tenantQuerySchema } from './routes/documents-routes.js';
import { querySchema as jobQuerySchema } from './routes/jobs-route.js';
import { embeddingsBodySchema } from './routes/embeddings-route.js';
import { listQuerySchema as keyListQuerySchema } from './routes/keys-routes.js';
import { documentReadQuerySchema } from './routes/document-read-route.js';
import { experimentListQuerySchema } from './routes/experiments-routes.js';
import { feedbackBodySchema } from './routes/feedback-route.js';
import { monitorAlertsQuerySchema, monitorReportQuerySchema, monitorSeriesQuerySchema } from '../monitor/monitor-routes.js';

/** The OpenAPI version written; 3.1 is the first whose schemas are JSON Schema (2020-12), as zod writes them. */
const OPENAPI_VERSION = '3.1.0';
const COMPONENT_REF = (id: string): string => `#/components/schemas/${id}`;

/** One operation of the HTTP contract. Paths are written the Hono way (`/v1/jobs/:id`). */
interface OperationDoc {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  /** false for the open routes (/health, /ready, /metrics, /openapi.json). */
  auth: boolean;
  /** JSON body (a component id), a multipart upload, or the input of the tool named in the path. */
  body?: string | 'multipart' | 'tool-input';
  query?: z.ZodObject;
  /** Status -> component id, `text` for plain text, or `sse` for an event stream. */
  responses: Record<number, { description: string; schema?: string; sse?: string; text?: true }>;
}

/** Named schemas: the components every operation points at. */
const COMPONENTS: Record<string, z.ZodType> = {
  Error: errorResponseSchema,
  Usage: usageSchema,
  Citation: citationSchema,
  AnswerSource: answerSourceSchema,
  RetrievedChunk: retrievedChunkSchema,
  Document: documentSchema,
  IngestSummary: ingestSummarySchema,
  AskRequest: askBodySchema,
  AskResponse: askResponseSchema,
  RetrieveRequest: retrieveBodySchema,
  RetrieveResponse: retrieveResponseSchema,
  ChatCompletionRequest: chatCompletionsBodySchema,
  ChatCompletionResponse: chatCompletionResponseSchema,
  EmbeddingsRequest: embeddingsBodySchema,
  UploadResponse: uploadResponseSchema,
  DocumentList: documentListResponseSchema,
  DocumentDeleted: documentDeleteResponseSchema,
  Job: jobResponseSchema,
  ToolList: toolListResponseSchema,
  ToolRunResponse: toolRunResponseSchema,
  CreateKeyRequest: createKeyBodySchema,
  CreatedKey: createdKeyResponseSchema,
  ApiKey: apiKeySchema,
  KeyList: keyListResponseSchema,
  FeedbackRequest: feedbackBodySchema,
  Health: healthResponseSchema,
  Ready: readyResponseSchema,
};

const ASK_EVENTS =
  'With `stream: true`: server-sent events `sources`, `token`..., `citations`, `usage`, `done`; a stream that fails midway ' +
  '(also one cut by a server shutdown) ends with an `error` event `{error: {code, message}}` instead.';
const CHAT_EVENTS =
  'With `stream: true`: `chat.completion.chunk` data events (citations on the last one), then `data: [DONE]`; a stream that ' +
  'fails midway sends `{error: {code, message}}` as its last chunk before `[DONE]`.';

const OPERATIONS: OperationDoc[] = [
  { method: 'post', path: '/v1/ask', summary: 'A cited answer, or a refusal', auth: true, body: 'AskRequest', responses: { 200: { description: 'the answer', schema: 'AskResponse', sse: ASK_EVENTS } } },
  { method: 'post', path: '/v1/retrieve', summary: 'Ranked chunks with per-leg scores', auth: true, body: 'RetrieveRequest', responses: { 200: { description: 'the ranked chunks', schema: 'RetrieveResponse' } } },
  {
    method: 'post',
    path: '/v1/chat/completions',
    summary: 'OpenAI-compatible chat completions over the documents',
    auth: true,
    body: 'ChatCompletionRequest',
    responses: { 200: { description: 'the answer as a chat completion', schema: 'ChatCompletionResponse', sse: CHAT_EVENTS } },
  },
  {
    method: 'post',
    path: '/v1/documents',
    summary: 'Upload and ingest files (multipart); large uploads become a job',
    auth: true,
    body: 'multipart',
    responses: { 200: { description: 'ingested inline', schema: 'UploadResponse' }, 202: { description: 'queued: poll statusUrl', schema: 'UploadResponse' } },
  },
  { method: 'get', path: '/v1/documents', summary: "The tenant's documents, keyset-paginated", auth: true, query: documentListQuerySchema, responses: { 200: { description: 'one page', schema: 'DocumentList' } } },
  { method: 'delete', path: '/v1/documents/:id', summary: 'Delete one of the tenant\'s documents', auth: true, query: tenantQuerySchema, responses: { 200: { description: 'deleted', schema: 'DocumentDeleted' } } },
  { method: 'get', path: '/v1/jobs/:id', summary: 'An ingestion job\'s status and result', auth: true, query: jobQuerySchema, responses: { 200: { description: 'the job', schema: 'Job' } } },
  { method: 'get', path: '/v1/models', summary: 'OpenAI-compatible model list: the answer configuration and the installed embedding model', auth: true, responses: { 200: { description: '{object: "list", data: [{id, object: "model", created, owned_by, groundwork}]}' } } },
  { method: 'get', path: '/v1/models/:model', summary: 'One model of the list (404 for another name)', auth: true, responses: { 200: { description: '{id, object: "model", created, owned_by, groundwork}' } } },
  {
    method: 'post',
    path: '/v1/embeddings',
    summary: 'OpenAI-compatible embeddings from the installed embedding model (501 MODEL_MISSING without one)',
    auth: true,
    body: 'EmbeddingsRequest',
    responses: { 200: { description: '{object: "list", data: [{object: "embedding", index, embedding (floats, or base64 little-endian float32)}], model, usage}' } },
  },
  {
    method: 'post',
    path: '/mcp',
    summary: "MCP (Model Context Protocol) over Streamable HTTP, stateless: JSON-RPC in, JSON out. Tools search, ask, list_documents, ingest; documents as resources; the key's tenant only",
    auth: true,
    responses: { 200: { description: 'a JSON-RPC response' } },
  },
  { method: 'get', path: '/v1/tools', summary: 'The classic-ML tools', auth: true, responses: { 200: { description: 'the tools', schema: 'ToolList' } } },
  {
    method: 'post',
    path: '/v1/tools/:name',
    summary: 'Run a classic-ML tool on JSON input (its schema: components Tool_<name>_input)',
    auth: true,
    body: 'tool-input',
    responses: { 200: { description: 'the tool output (components Tool_<name>_output)', schema: 'ToolRunResponse' } },
  },
  { method: 'post', path: '/v1/keys', summary: 'Create an API key (admin keys only); its secret is shown this once', auth: true, body: 'CreateKeyRequest', responses: { 201: { description: 'the new key', schema: 'CreatedKey' } } },
  { method: 'get', path: '/v1/keys', summary: 'List API keys, never their secrets (admin keys only)', auth: true, query: keyListQuerySchema, responses: { 200: { description: 'the keys', schema: 'KeyList' } } },
  { method: 'delete', path: '/v1/keys/:id', summary: 'Revoke an API key (admin keys only)', auth: true, responses: { 200: { description: 'the revoked key', schema: 'ApiKey' } } },
  {
    method: 'post',
    path: '/v1/feedback',
    summary: "Rate an answer by its x-request-id (thumbs up/down, optional correct answer); a later rating of the same request replaces it",
    auth: true,
    body: 'FeedbackRequest',
    responses: { 201: { description: '{id, requestId, rating}: a new rating' }, 200: { description: '{id, requestId, rating, correctAnswer?}: replaced the earlier rating' } },
  },
  { method: 'get', path: '/v1/documents/:id', summary: "One of the tenant's documents with a window of its chunks (`chunk` centres it on a cited chunk)", auth: true, query: documentReadQuerySchema, responses: { 200: { description: '{tenant, document, from, chunks: [{id, ordinal, text, headingPath, page, charStart, charEnd}]}' } } },
  { method: 'get', path: '/v1/experiments', summary: 'Recorded experiments, newest first (a tenant key: its tenant; an admin key: every tenant)', auth: true, query: experimentListQuerySchema, responses: { 200: { description: '{tenant?, experiments}' } } },
  { method: 'get', path: '/v1/experiments/:id', summary: 'One experiment without its per-query rows', auth: true, responses: { 200: { description: 'the experiment with queryCount' } } },
  { method: 'get', path: '/v1/experiments/:a/compare/:b', summary: 'Paired test of B against A per metric over their shared queries', auth: true, responses: { 200: { description: '{a, b, datasetHash, queries, onlyInA, onlyInB, metrics}' } } },
  { method: 'get', path: '/v1/experiments/:id/report', summary: 'The self-contained HTML report (no script, no external request)', auth: true, responses: { 200: { description: 'text/html', text: true } } },
  { method: 'get', path: '/v1/monitor/report', summary: 'Monitoring report of a window against its reference: latency, error, refusal and cache hit rates, cost, drift per signal, open alerts (a tenant key: its tenant; an admin key: every tenant or `tenant`)', auth: true, query: monitorReportQuerySchema, responses: { 200: { description: 'MonitorReport (src/monitor/types.ts), the JSON of `groundwork monitor --json`' } } },
  { method: 'get', path: '/v1/monitor/series', summary: 'Time series from the per-minute rollups: requests, errors, p50/p95 latency, refusal and cache hit rates, cost per step', auth: true, query: monitorSeriesQuerySchema, responses: { 200: { description: 'MonitorSeries (src/monitor/types.ts)' } } },
  { method: 'get', path: '/v1/monitor/alerts', summary: 'Monitor alerts: open ones, or the latest of any state with state=all', auth: true, query: monitorAlertsQuerySchema, responses: { 200: { description: '{alerts: MonitorAlert[]}' } } },
  { method: 'get', path: '/ui', summary: 'The web console (its page; /ui/:file its script and styles)', auth: false, responses: { 200: { description: 'text/html', text: true }, 503: { description: 'the console bundle is not built', text: true } } },
  { method: 'get', path: '/health', summary: 'The process is up', auth: false, responses: { 200: { description: 'up', schema: 'Health' } } },
  { method: 'get', path: '/ready', summary: 'Database reachable, migrations current, models loaded', auth: false, responses: { 200: { description: 'ready', schema: 'Ready' }, 503: { description: 'not ready', schema: 'Ready' } } },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', auth: false, responses: { 200: { description: 'Prometheus text format', text: true } } },
  { method: 'get', path: '/openapi.json', summary: 'This document', auth: false, responses: { 200: { description: 'OpenAPI 3.1' } } },
];

/** A registered route: what Hono lists in `app.routes`. */
export interface RegisteredRoute {
  method: string;
  path: string;
}

type JsonSchema = Record<string, unknown>;

/**
 * Leaves out the bounds zod writes for every `.int()` (±2^53 - 1, JavaScript's safe integers):
 * true of every JSON number a client sends, and noise on each field.
 */
const dropSafeIntegerBounds = ({ jsonSchema }: { jsonSchema: JsonSchema }): void => {
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
};

/** zod -> JSON Schema for a standalone schema (tool inputs): what does not map becomes `{}`. */
function standalone(schema: z.ZodType, io: 'input' | 'output'): JsonSchema | undefined {
  try {
    const { $schema: _ignored, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', override: dropSafeIntegerBounds }) as JsonSchema;
    return json;
  } catch {
    return undefined; // a schema zod cannot write (a cycle it cannot name): left out, not a failed document
  }
}

/** `/v1/jobs/:id` -> `/v1/jobs/{id}`. */
const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the zod request and response schemas.
 * Every route in `routes` is listed (ones this table does not describe get a bare entry), and
 * each tool's input and output schemas are components (`Tool_<name>_input`).
 * @example openApiDocument({ routes: app.routes, tools: catalog.list(), version: '0.1.0' })
 */
export function openApiDocument(options: { routes: readonly RegisteredRoute[]; tools: readonly Tool[]; version: string }): JsonSchema {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any', uri: COMPONENT_REF, override: dropSafeIntegerBounds }) as { schemas: Record<string, JsonSchema> };
  const components: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, ...rest } = schema;
    components[id] = rest;
  }
  for (const tool of options.tools) {
    const name = tool.name.replace(/[^A-Za-z0-9._-]/g, '_');
    const input = standalone(tool.inputSchema, 'input');
    const output = standalone(tool.outputSchema, 'output');
    if (input) components[`Tool_${name}_input`] = { ...input, description: tool.description };
    if (output) components[`Tool_${name}_output`] = output;
  }

  const paths: Record<string, Record<string, unknown>> = {};
  const described = new Set<string>();
  for (const operation of OPERATIONS) {
    described.add(`${operation.method} ${operation.path}`);
    (paths[openApiPath(operation.path)] ??= {})[operation.method] = operationObject(operation, Object.keys(components).filter((id) => /^Tool_.*_input$/.test(id)));
  }
  for (const route of options.routes) {
    const method = route.method.toLowerCase();
    if (method === 'all' || described.has(`${method} ${route.path}`)) continue;
    described.add(`${method} ${route.path}`);
    (paths[openApiPath(route.path)] ??= {})[method] = {
      summary: `${route.method} ${route.path}`,
      parameters: pathParameters(route.path),
      responses: { default: { description: 'see the README', content: { 'application/json': { schema: { $ref: COMPONENT_REF('Error') } } } } },
    };
  }

  return {
    openapi: OPENAPI_VERSION,
    info: {
      title: 'groundwork',
      version: options.version,
      description: 'Grounded question answering over your own documents. /v1 routes need "Authorization: Bearer <API key>" unless the server runs with --no-auth.',
    },
    paths,
    components: {
      schemas: components,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key (gwk_...); /v1/keys needs an admin key' } },
    },
  };
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => ({ name: match[1], in: 'path', required: true, schema: { type: 'string' } }));
}

function operationObject(operation: OperationDoc, toolInputs: readonly string[]): JsonSchema {
  const parameters = [...pathParameters(operation.path)];
  if (operation.query) {
    for (const [name, field] of Object.entries(operation.query.shape)) {
      parameters.push({ name, in: 'query', required: !(field as z.ZodType).safeParse(undefined).success, schema: standalone(field as z.ZodType, 'input') ?? {} });
    }
  }
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(operation.responses)) {
    const content: Record<string, unknown> = {};
    if (response.schema) content['application/json'] = { schema: { $ref: COMPONENT_REF(response.schema) } };
    if (response.sse) content['text/event-stream'] = { schema: { type: 'string', description: response.sse } };
    if (response.text) content['text/plain'] = { schema: { type: 'string' } };
    responses[status] = { description: response.description, ...(Object.keys(content).length ? { content } : {}) };
  }
  responses.default = { description: 'an error', content: { 'application/json': { schema: { $ref: COMPONENT_REF('Error') } } } };
  const json = (schema: JsonSchema) => ({ required: true, content: { 'application/json': { schema } } });
  const body =
    operation.body === 'multipart'
      ? { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, tenant: { type: 'string' } }, required: ['file'] } } } }
      : operation.body === 'tool-input'
        ? json({ description: "the named tool's input", anyOf: toolInputs.map((id) => ({ $ref: COMPONENT_REF(id) })) })
        : operation.body
          ? json({ $ref: COMPONENT_REF(operation.body) })
          : undefined;
  return {
    summary: operation.summary,
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses,
    security: operation.auth ? [{ apiKey: [] }] : [],
  };
}
