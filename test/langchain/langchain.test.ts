import { createHash } from 'node:crypto';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { RunnablePassthrough, RunnableSequence } from '@langchain/core/runnables';
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { REFUSAL_TEXT } from '../../src/generate/refusal.js';
import { chatModelFromLangChain, createAskGroundworkTool, embedderFromLangChain, formatDocumentsWithCitations, GroundworkCache, GroundworkRetriever, lastHumanTurn } from '../../src/langchain/index.js';
import { startFakeOpenAIServer, type FakeOpenAIServer } from '../helpers/fake-openai-server.js';
import { doc, wholeDocumentChunker } from '../helpers/whole-document-chunker.js';
import { startFakeProviderServer, type FakeProviderServer } from '../models/fake-provider-server.js';
import { ACME_DOCS, GLOBEX_DOCS } from '../server/server-fixtures.js';

const DIMENSIONS = 64;
/** Hashed bag of words, not normalized (the adapter normalizes): texts sharing words are close. */
function bagOfWords(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const digest = createHash('sha256').update(word).digest();
    vector[digest.readUInt32BE(0) % DIMENSIONS] += digest[4] & 1 ? 2 : -2;
  }
  return vector;
}

const WARRANTY_ANSWER = 'The cordless drill has a two year warranty [Source: Drill Warranty].';

let embeddingsServer: FakeProviderServer;
let chatServer: FakeOpenAIServer;
let gw: Groundwork;

const chatRequests = () => chatServer.requests.filter((r) => r.path.endsWith('/chat/completions'));
const openAIChat = (extra: Record<string, unknown> = {}) => new ChatOpenAI({ model: 'fake-model', apiKey: 'test-key', configuration: { baseURL: chatServer.baseUrl }, maxRetries: 0, ...extra });

beforeAll(async () => {
  // OpenAI's /v1/embeddings wire format (base64 or floats), answering with bag-of-words vectors.
  embeddingsServer = await startFakeProviderServer((request) => {
    const inputs: string[] = Array.isArray(request.body.input) ? request.body.input : [request.body.input];
    return {
      body: {
        object: 'list',
        model: request.body.model,
        data: inputs.map((text, index) => {
          const vector = bagOfWords(text);
          return { object: 'embedding', index, embedding: request.body.encoding_format === 'base64' ? Buffer.from(Float32Array.from(vector).buffer).toString('base64') : vector };
        }),
        usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
      },
    };
  });
  // OpenAI's chat completions: cites the drill warranty when the prompt holds it, else refuses.
  chatServer = await startFakeOpenAIServer({
    respond: (request) => ({ text: JSON.stringify(request.body.messages).includes('Drill Warranty') ? WARRANTY_ANSWER : REFUSAL_TEXT }),
  });
  const embeddings = new OpenAIEmbeddings({ model: 'fake-embed', apiKey: 'test-key', configuration: { baseURL: `${embeddingsServer.url}/v1` }, maxRetries: 0 });
  gw = await createGroundwork({
    config: { dataDir: 'memory://', tenant: 'default', cache: { semantic: { defaultThreshold: 0.8 } } },
    useEnvironment: false,
    chunker: wholeDocumentChunker('document'),
    embedder: embedderFromLangChain(embeddings, { id: 'openai-compatible:fake-embed', dimensions: DIMENSIONS }),
  });
  await gw.ingest(ACME_DOCS.map((document) => ({ document })), { tenant: 'acme' });
  await gw.ingest(GLOBEX_DOCS.map((document) => ({ document })), { tenant: 'globex' });
});

afterAll(async () => {
  await gw?.close();
  await chatServer?.close();
  await embeddingsServer?.close();
});

describe('GroundworkRetriever', () => {
  it('returns Documents with chunk and citation metadata, honouring k, mode and filters', async () => {
    const retriever = new GroundworkRetriever({ groundwork: gw, tenant: 'acme', k: 1, mode: 'hybrid' });
    const [top, ...rest] = await retriever.invoke('How long is the drill warranty?');
    expect(rest).toEqual([]);
    expect(top.pageContent).toContain('two year warranty');
    expect(top.metadata).toMatchObject({ externalId: 'warranty.md', title: 'Drill Warranty', citation: '[Source: Drill Warranty]', tenant: 'acme', documentVersion: 1 });
    expect(top.metadata.scores.dense).toBeDefined();
    const filtered = await new GroundworkRetriever({ groundwork: gw, tenant: 'acme', k: 5, mode: 'sparse', filters: [{ field: 'source', op: 'prefix', value: '/docs/travel' }] }).invoke('drill warranty travel');
    expect(filtered.map((d) => d.metadata.externalId)).toEqual(['travel.md']);
    expect(() => new GroundworkRetriever({ groundwork: gw, filters: [{ field: 'source', op: 'prefix', value: '' } as never] })).toThrow(/filters/);
  });

  it('keeps tenants apart', async () => {
    const globex = await new GroundworkRetriever({ groundwork: gw, tenant: 'globex', k: 10 }).invoke('drill warranty travel meal allowance');
    expect(globex.map((d) => d.metadata.externalId)).not.toContain('warranty.md');
    expect(globex.every((d) => d.metadata.tenant === 'globex')).toBe(true);
  });
});

describe('an LCEL chain (prompt -> ChatOpenAI -> parser) over groundwork retrieval, with the groundwork cache', () => {
  const prompt = ChatPromptTemplate.fromMessages([
    ['system', 'Answer only from the context and cite each fact with its [Source: ...] marker.\n\nContext:\n{context}'],
    ['human', '{question}'],
  ]);
  const chain = (cache?: GroundworkCache) =>
    RunnableSequence.from([
      { context: new GroundworkRetriever({ groundwork: gw, tenant: 'acme', k: 2 }).pipe(formatDocumentsWithCitations), question: new RunnablePassthrough() },
      prompt,
      openAIChat(cache ? { cache } : {}),
      new StringOutputParser(),
    ]);

  it('answers from groundwork retrieval with citations', async () => {
    const before = chatRequests().length;
    const answer = await chain().invoke('How long is the drill warranty?');
    expect(answer).toBe(WARRANTY_ANSWER);
    const sent = chatRequests()[before].body.messages;
    expect(sent[0].content).toContain('[Source: Drill Warranty]\nThe cordless drill has a two year warranty.');
    expect(sent[1]).toEqual({ role: 'user', content: 'How long is the drill warranty?' });
  });

  it('the cache serves a paraphrase, refuses a negation, and drops an entry when its document changes', async () => {
    const cache = new GroundworkCache({ groundwork: gw, tenant: 'acme', promptVersion: 'warranty-chain-1' });
    const question = 'Does the cordless drill include a two year warranty?';
    const calls = () => chatRequests().length;
    const start = calls();
    expect(await chain(cache).invoke(question)).toBe(WARRANTY_ANSWER);
    expect(calls()).toBe(start + 1);

    expect(await chain(cache).invoke('Does the cordless drill include the two year warranty?')).toBe(WARRANTY_ANSWER);
    expect(calls()).toBe(start + 1); // served by the semantic layer, no model call

    await chain(cache).invoke('Does the cordless drill not include a two year warranty?');
    expect(calls()).toBe(start + 2); // the negation guard refused the cached answer
    expect(gw.cache.stats().rejections['negation.polarity']).toBeGreaterThanOrEqual(1);

    // The warranty page changes: every entry resting on it is dropped.
    await gw.ingest([{ document: doc('warranty.md', 'The cordless drill has a three year warranty. Batteries are covered for one year.', { title: 'Drill Warranty' }) }], { tenant: 'acme' });
    await chain(cache).invoke(question);
    expect(calls()).toBe(start + 3);
  });

  it('finds the question in a LangChain prompt string', () => {
    expect(lastHumanTurn('System: context with Human: inside\nHuman: the question?')).toBe('the question?');
    expect(lastHumanTurn('plain prompt')).toBe('plain prompt');
  });
});

describe('the ask_groundwork tool', () => {
  it('answers with citations (artifact) or refuses', async () => {
    const askTool = createAskGroundworkTool({ groundwork: gw, tenant: 'acme' });
    const message = await askTool.invoke({ id: 'call_1', name: askTool.name, args: { question: 'What is the daily meal allowance?' }, type: 'tool_call' });
    expect(String(message.content)).toMatch(/75 dollars[\s\S]*Sources:\n- \[Source: Travel Policy\]/);
    expect(message.artifact).toMatchObject({ refused: false, citations: [{ externalId: 'travel.md' }] });
    const refused = await askTool.invoke({ id: 'call_2', name: askTool.name, args: { question: 'Who painted the Sistine Chapel ceiling?' }, type: 'tool_call' });
    expect(refused.artifact).toMatchObject({ refused: true, citations: [] });
    await expect(askTool.invoke({ question: '' })).rejects.toThrow();
  });
});

describe('LangChain models as groundwork plug-ins', () => {
  it('a ChatOpenAI model answers groundwork questions, plain and streamed, with checked citations', async () => {
    const withChat = await createGroundwork({
      config: { dataDir: 'memory://', tenant: 'acme', generate: { refusalThreshold: 0.05 } },
      useEnvironment: false,
      chunker: wholeDocumentChunker('document'),
      embedder: gw.embedder,
      chatModel: chatModelFromLangChain(openAIChat(), { id: 'langchain:fake-model', contextWindow: 16_000 }),
    });
    try {
      await withChat.ingest(ACME_DOCS.map((document) => ({ document })));
      const result = await withChat.ask({ question: 'How long is the drill warranty?' });
      expect(result).toMatchObject({ refused: false, model: 'langchain:fake-model' });
      expect(result.citations.map((c) => c.externalId)).toEqual(['warranty.md']);
      expect(result.usage).toMatchObject({ inputTokens: 11, outputTokens: 7 });
      let streamed = '';
      for await (const event of withChat.askStream({ question: 'How long is the drill warranty?' })) if (event.type === 'token') streamed += event.text;
      expect(streamed).toContain('two year warranty');
    } finally {
      await withChat.close();
    }
  });

  it('an OpenAIEmbeddings object is the embedder: unit vectors of the declared size, checked', async () => {
    const [vector] = await gw.embedder!.embedDocuments(['drill warranty']);
    expect(vector).toHaveLength(DIMENSIONS);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(embeddingsServer.requests.length).toBeGreaterThan(0);
    const wrong = embedderFromLangChain(new OpenAIEmbeddings({ model: 'fake-embed', apiKey: 'k', configuration: { baseURL: `${embeddingsServer.url}/v1` } }), { id: 'x', dimensions: 32 });
    await expect(wrong.embedQuery('drill')).rejects.toThrow(/64-dimensional vector; expected 32/);
  });
});
