import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { REFUSAL_TEXT } from '../../src/generate/refusal.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { wholeDocumentChunker } from '../helpers/whole-document-chunker.js';
import { ACME_DOCS, GLOBEX_DOCS, tenantKeys } from './server-fixtures.js';

let gw: Groundwork;
let server: RunningServer;
let keys: { acme: string; globex: string };
let allowedDir: string;
const clients: Client[] = [];

async function connect(authorization?: string): Promise<Client> {
  const client = new Client({ name: 'groundwork-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), { requestInit: { headers: authorization ? { authorization } : {} } });
  await client.connect(transport);
  clients.push(client);
  return client;
}

type Structured = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const call = async (client: Client, name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: Structured };
const textOf = (result: CallToolResult) => result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');

beforeAll(async () => {
  allowedDir = await mkdtemp(join(tmpdir(), 'gw-mcp-allowed-'));
  await mkdir(join(allowedDir, 'docs'));
  await writeFile(join(allowedDir, 'docs', 'parking.md'), '# Parking\n\nVisitors park in the north lot, level two, for free.\n');
  gw = await createGroundwork({
    config: { dataDir: 'memory://', tenant: 'default', generate: { refusalThreshold: 0.05 }, mcp: { allowIngestPaths: [join(allowedDir, 'docs')] } },
    useEnvironment: false,
    chunker: wholeDocumentChunker('document'),
  });
  await gw.ingest(ACME_DOCS.map((document) => ({ document })), { tenant: 'acme' });
  await gw.ingest(GLOBEX_DOCS.map((document) => ({ document })), { tenant: 'globex' });
  keys = await tenantKeys(gw);
  server = await startServer({ groundwork: gw, port: 0, host: '127.0.0.1', log: false });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => {})));
  await server?.close();
  await rm(allowedDir, { recursive: true, force: true });
});

describe('MCP over Streamable HTTP at /mcp (the SDK client)', () => {
  it('lists the tools and the document resources of the key\'s tenant', async () => {
    const client = await connect(keys.acme);
    expect(client.getServerVersion()?.name).toBe('groundwork');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['ask', 'ingest', 'list_documents', 'search']);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.name).sort()).toEqual(['Drill Warranty', 'Travel Policy']);
    const warranty = resources.find((r) => r.name === 'Drill Warranty')!;
    const read = await client.readResource({ uri: warranty.uri });
    expect(read.contents[0]).toMatchObject({ mimeType: 'text/plain', text: expect.stringContaining('two year warranty') });
  });

  it('search returns ranked chunks with their sources', async () => {
    const result = await call(await connect(keys.acme), 'search', { query: 'drill warranty batteries', k: 2 });
    expect(result.isError).toBeFalsy();
    const chunks = result.structuredContent!.chunks;
    expect(chunks[0]).toMatchObject({ rank: 1, externalId: 'warranty.md', title: 'Drill Warranty', source: expect.any(String), uri: expect.stringMatching(/^groundwork:\/\/documents\/\d+$/) });
    expect(textOf(result)).toContain('Drill Warranty');
  });

  it('ask answers with citations, and refuses what the documents do not say', async () => {
    const client = await connect(keys.acme);
    const answer = await call(client, 'ask', { question: 'How long is the drill warranty?' });
    expect(answer.structuredContent).toMatchObject({ refused: false });
    expect(answer.structuredContent!.citations[0]).toMatchObject({ externalId: 'warranty.md', quote: expect.stringContaining('two year warranty') });
    expect(textOf(answer)).toContain('Sources:');
    const refused = await call(client, 'ask', { question: 'Who painted the ceiling of the Sistine Chapel?' });
    expect(refused.isError).toBeFalsy();
    expect(refused.structuredContent).toMatchObject({ refused: true, answer: REFUSAL_TEXT, citations: [] });
  });

  it('a bad argument is a tool error naming the field', async () => {
    const client = await connect(keys.acme);
    const bad = await call(client, 'search', { query: 'drill', k: 'ten' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/Input validation error.*k/s);
    const empty = await call(client, 'ask', { question: '   ' });
    expect(empty.isError).toBe(true);
    expect(textOf(empty)).toContain('must not be empty');
  });

  it("a key of tenant B sees nothing of tenant A's", async () => {
    const globex = await connect(keys.globex);
    const search = await call(globex, 'search', { query: 'drill warranty travel meal allowance' });
    expect(JSON.stringify(search.structuredContent)).not.toMatch(/warranty\.md|travel\.md/);
    const listed = await call(globex, 'list_documents', {});
    expect(listed.structuredContent!.documents.map((d: { externalId: string }) => d.externalId)).toEqual(['secret.md']);
    const answer = await call(globex, 'ask', { question: 'How long is the drill warranty?' });
    expect(answer.structuredContent).toMatchObject({ refused: true });
    const forbidden = await call(globex, 'search', { query: 'drill', tenant: 'acme' });
    expect(forbidden.isError).toBe(true);
    expect(textOf(forbidden)).toMatch(/^FORBIDDEN: /);
    const { resources } = await globex.listResources();
    expect(resources.map((r) => r.name)).toEqual(['Falcon Plan']);
    const acmeDocs = await call(await connect(keys.acme), 'list_documents', {});
    const acmeUri = acmeDocs.structuredContent!.documents[0].uri;
    await expect(globex.readResource({ uri: acmeUri })).rejects.toThrow(/does not exist/);
  });

  it('ingest reads only inside mcp.allowIngestPaths, into the key\'s tenant', async () => {
    const acme = await connect(keys.acme);
    const outside = await call(acme, 'ingest', { paths: [allowedDir] });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toContain('outside the folders mcp.allowIngestPaths allows');
    const ingested = await call(acme, 'ingest', { paths: [join(allowedDir, 'docs')] });
    expect(ingested.isError).toBeFalsy();
    expect(ingested.structuredContent).toMatchObject({ tenant: 'acme', documents: { added: 1 } });
    const found = await call(acme, 'search', { query: 'visitors park north lot' });
    expect(found.structuredContent!.chunks[0].title).toBe('Parking');
    const globexView = await call(await connect(keys.globex), 'search', { query: 'visitors park north lot' });
    expect(globexView.structuredContent!.chunks).toEqual([]);
  });

  it('needs an API key like the API', async () => {
    await expect(connect()).rejects.toThrow();
    await expect(connect('Bearer gwk_wrong')).rejects.toThrow();
    const res = await fetch(`${server.url}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    const get = await fetch(`${server.url}/mcp`, { headers: { authorization: keys.acme, accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});
