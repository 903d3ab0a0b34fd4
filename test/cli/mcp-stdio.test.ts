import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork } from '../../src/groundwork.js';
import { REFUSAL_TEXT } from '../../src/generate/refusal.js';
import { ACME_DOCS, GLOBEX_DOCS } from '../server/server-fixtures.js';
import { wholeDocumentChunker } from '../helpers/whole-document-chunker.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
let dataDir: string;
let client: Client;
let stderr = '';

type Structured = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const call = async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult & { structuredContent?: Structured };
const textOf = (result: CallToolResult) => result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gw-mcp-stdio-'));
  // An embedded store on disk with two tenants, closed before the subprocess opens it.
  // No embedder (lexical-only), as the subprocess will find none installed in this data dir.
  const gw = await createGroundwork({ config: { dataDir, tenant: 'default' }, useEnvironment: false, chunker: wholeDocumentChunker('document'), embedder: undefined });
  await gw.ingest(ACME_DOCS.map((document) => ({ document })), { tenant: 'acme' });
  await gw.ingest(GLOBEX_DOCS.map((document) => ({ document })), { tenant: 'globex' });
  await gw.close();
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !/^(DATABASE_URL|GROUNDWORK_)/.test(key)) env[key] = value;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', 'src/cli/main.ts', 'mcp', '--tenant', 'acme'],
    cwd: repoRoot,
    env: { ...env, GROUNDWORK_DATA_DIR: dataDir },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  client = new Client({ name: 'groundwork-stdio-test', version: '1.0.0' });
  await client.connect(transport);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('groundwork mcp over stdio (the SDK client spawning the CLI)', () => {
  it('lists the tools and the --tenant\'s documents', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['ask', 'ingest', 'list_documents', 'search']);
    const listed = await call('list_documents', {});
    expect(listed.structuredContent!.documents.map((d: { externalId: string }) => d.externalId).sort()).toEqual(['travel.md', 'warranty.md']);
    const { resources } = await client.listResources();
    expect(resources).toHaveLength(2);
    expect(stderr).toContain('groundwork MCP server on stdio (tenant acme)');
  });

  it('search and ask answer from the ingested tenant, with citations', async () => {
    const search = await call('search', { query: 'daily meal allowance' });
    expect(search.structuredContent!.chunks[0]).toMatchObject({ externalId: 'travel.md', title: 'Travel Policy' });
    const answer = await call('ask', { question: 'What is the daily meal allowance?' });
    expect(answer.structuredContent).toMatchObject({ refused: false });
    expect(answer.structuredContent!.citations[0].externalId).toBe('travel.md');
  });

  it('refuses an unsupported question, flags a bad argument, and keeps ingest off by default', async () => {
    const refused = await call('ask', { question: 'Who painted the ceiling of the Sistine Chapel?' });
    expect(refused.structuredContent).toMatchObject({ refused: true, answer: REFUSAL_TEXT });
    const bad = await call('list_documents', { limit: 0 });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/Input validation error.*limit/s);
    const ingest = await call('ingest', { paths: [repoRoot] });
    expect(ingest.isError).toBe(true);
    expect(textOf(ingest)).toContain('set mcp.allowIngestPaths');
  });

  it('a bad tenant name is refused; another tenant is named explicitly only', async () => {
    const bad = await call('search', { query: 'drill', tenant: 'no such tenant!' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/^INPUT: tenant/);
    const globex = await call('search', { query: 'drill warranty', tenant: 'globex' });
    expect(JSON.stringify(globex.structuredContent)).not.toContain('warranty.md');
  });
});
