import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { createCohereReranker } from '../../src/models/cohere-reranker.js';
import { createLocalReranker, type LocalReranker } from '../../src/models/local-reranker.js';
import { noReranker } from '../../src/models/no-reranker.js';
import type { Reranker } from '../../src/models/types.js';
import { makeTestModel } from '../helpers/test-models.js';
import { rerankerContract } from './contracts/reranker.contract.js';
import { cohereRerankBody, startFakeProviderServer, type FakeProviderServer } from './fake-provider-server.js';

let modelsDir: string;
let local: LocalReranker;
let cohereServer: FakeProviderServer;
let cohere: Reranker;

beforeAll(async () => {
  modelsDir = await mkdtemp(join(tmpdir(), 'gw-reranker-contract-'));
  await makeTestModel(join(modelsDir, 'test', 'cross'), { kind: 'cross-encoder' });
  local = await createLocalReranker({ modelsDir, model: 'test/cross', batchSize: 3 });
  cohereServer = await startFakeProviderServer((request) => ({ body: cohereRerankBody(request) }));
  cohere = createCohereReranker({ model: 'rerank-v3.5', apiKey: 'k', baseUrl: cohereServer.url, env: {} as NodeJS.ProcessEnv });
});
afterAll(async () => {
  await local?.close?.();
  await cohereServer?.close();
  await rm(modelsDir, { recursive: true, force: true });
});

describe('Reranker contract: local (generated cross-encoder)', () => {
  rerankerContract(() => ({ reranker: local, scoresPassages: true }));
});

describe('Reranker contract: cohere (fake server)', () => {
  rerankerContract(() => ({ reranker: cohere, scoresPassages: true }));
});

describe('Reranker contract: none', () => {
  rerankerContract(() => ({ reranker: noReranker, scoresPassages: false }));
});
