/**
 * A local HTTP server (127.0.0.1, random port) for provider adapter tests: each test supplies a
 * handler that answers in the provider's wire format; every request is recorded.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export interface FakeResponse {
  /** Wait this long before answering (to test aborts of a request in flight). */
  delayMs?: number;
  status?: number;
  headers?: Record<string, string>;
  body: unknown;
}

export interface FakeProviderServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/** Starts a server answering every request with `handler(request, index)`. */
export async function startFakeProviderServer(handler: (request: RecordedRequest, index: number) => FakeResponse): Promise<FakeProviderServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const request: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined };
      requests.push(request);
      const response = handler(request, requests.length - 1);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...response.headers });
        res.end(typeof response.body === 'string' ? response.body : JSON.stringify(response.body));
      };
      if (response.delayMs) setTimeout(send, response.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A deterministic fake embedding of `text` with `dimensions` components (not normalized). */
export function fakeVector(text: string, dimensions: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => ((text.charCodeAt(i % Math.max(1, text.length)) || 7) % 13) + i + 1);
}

/** OpenAI `/v1/embeddings` body: `base64` packs little-endian float32, as the API does. */
export function openAIEmbeddingsBody(request: RecordedRequest, dimensions: number): unknown {
  const inputs: string[] = Array.isArray(request.body.input) ? request.body.input : [request.body.input];
  return {
    object: 'list',
    model: request.body.model,
    data: inputs.map((text, index) => {
      const vector = fakeVector(text, dimensions);
      const embedding = request.body.encoding_format === 'base64' ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    }),
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  };
}

/** OpenAI's error envelope. */
export function openAIError(message: string, type: string): unknown {
  return { error: { message, type, param: null, code: null } };
}

/** Cohere `/v2/embed` body: float embeddings of every text. */
export function cohereEmbedBody(request: RecordedRequest, dimensions: number): unknown {
  return {
    id: 'e1',
    embeddings: { float: (request.body.texts as string[]).map((text) => fakeVector(text, dimensions)) },
    texts: request.body.texts,
    meta: { api_version: { version: '2' }, billed_units: { input_tokens: request.body.texts.length } },
    response_type: 'embeddings_by_type',
  };
}

/**
 * Cohere `/v2/rerank` body: a deterministic relevance per document (shared query words over
 * document words, squashed into (0, 1)), sorted by relevance as Cohere sorts them.
 */
export function cohereRerankBody(request: RecordedRequest): unknown {
  const words = (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  const query = new Set(words(request.body.query as string));
  const results = (request.body.documents as string[]).map((document, index) => {
    const terms = words(document);
    const shared = terms.filter((term) => query.has(term)).length;
    return { index, relevance_score: (shared + 1) / (terms.length + 2) };
  });
  results.sort((a, b) => b.relevance_score - a.relevance_score);
  return { id: 'r1', results, meta: { api_version: { version: '2' }, billed_units: { search_units: 1 } } };
}
