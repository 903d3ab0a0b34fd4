import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroundworkError } from '../../src/errors.js';
import { createEmbedderFromOptions } from '../../src/models/create-embedder-from-options.js';
import { createRerankerFromOptions } from '../../src/models/create-reranker-from-options.js';
import { importModel } from '../../src/models/import-model.js';
import { listModels } from '../../src/models/list-models.js';
import { modelsOptionsSchema } from '../../src/models/models-options.js';
import { noReranker } from '../../src/models/no-reranker.js';
import { pullModel } from '../../src/models/pull-model.js';
import { cachedTestModel } from '../helpers/test-models.js';

let work: string;
let encoderSource: string;
let crossSource: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gw-models-'));
  encoderSource = await cachedTestModel({ kind: 'encoder' });
  crossSource = await cachedTestModel({ kind: 'cross-encoder' });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('importModel and listModels', () => {
  it('copies the folder and records id, revision, dimensions and file hashes', async () => {
    const modelsDir = join(work, 'import');
    const manifest = await importModel(encoderSource, modelsDir, { id: 'acme/tiny-embed' });
    expect(manifest.dir).toBe(join(modelsDir, 'acme', 'tiny-embed'));
    const weights = await sha256(join(manifest.dir, 'onnx', 'model.onnx'));
    expect(manifest).toMatchObject({ id: 'acme/tiny-embed', kind: 'embedder', dimensions: 32, revision: weights.slice(0, 12), source: 'import', pooling: 'mean' });
    expect(manifest.files?.['onnx/model.onnx']).toBe(weights);
    expect(manifest.files?.['tokenizer.json']).toBe(await sha256(join(encoderSource, 'tokenizer.json')));
    expect(JSON.parse(await readFile(join(manifest.dir, 'groundwork.json'), 'utf8')).id).toBe('acme/tiny-embed');

    await importModel(crossSource, modelsDir, { id: 'acme/tiny-rerank' });
    expect(await listModels(modelsDir)).toEqual([
      { id: 'acme/tiny-embed', dir: manifest.dir, kind: 'embedder', revision: manifest.revision, dimensions: 32, dtypes: ['fp32', 'q8'], source: 'import' },
      expect.objectContaining({ id: 'acme/tiny-rerank', kind: 'reranker', dtypes: ['fp32', 'q8'] }),
    ]);
  });

  it('refuses to overwrite an installed model unless asked', async () => {
    const modelsDir = join(work, 'conflict');
    await importModel(encoderSource, modelsDir, { id: 'acme/m' });
    const error = await importModel(encoderSource, modelsDir, { id: 'acme/m' }).catch((e: unknown) => e);
    expect((error as GroundworkError).code).toBe('CONFLICT');
    await expect(importModel(encoderSource, modelsDir, { id: 'acme/m', overwrite: true })).resolves.toMatchObject({ id: 'acme/m' });
    expect((await listModels(modelsDir)).map((model) => model.id)).toEqual(['acme/m']);
  });

  it('names what is missing from a folder that is not a model', async () => {
    const notAModel = join(work, 'not-a-model');
    await mkdir(notAModel, { recursive: true });
    await writeFile(join(notAModel, 'config.json'), '{}');
    await expect(importModel(notAModel, join(work, 'x'))).rejects.toThrow(/missing tokenizer.json, onnx\/model.onnx or onnx\/model_quantized.onnx/);
  });

  it('lists nothing for an absent models folder', async () => {
    expect(await listModels(join(work, 'absent'))).toEqual([]);
  });
});

describe('pullModel', () => {
  it('downloads a Transformers.js model from a hub and installs it', async () => {
    const server = createServer(async (req, res) => {
      const match = /^\/acme\/tiny\/resolve\/main\/(.+)$/.exec(req.url ?? '');
      try {
        const body = await readFile(join(encoderSource, match?.[1] ?? 'missing'));
        res.writeHead(200, { 'content-length': body.length }).end(body);
      } catch {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hubUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const modelsDir = join(work, 'pull');
      const manifest = await pullModel('acme/tiny', modelsDir, { hubUrl });
      expect(manifest).toMatchObject({ id: 'acme/tiny', source: 'pull', dimensions: 32 });
      expect(manifest.files?.['onnx/model_quantized.onnx']).toBe(await sha256(join(encoderSource, 'onnx', 'model_quantized.onnx')));
      const { embedder } = await createEmbedderFromOptions({ provider: 'local', model: 'acme/tiny' }, { modelsDir });
      expect((await embedder!.embedQuery('hello')).length).toBe(32);
      const missing = await pullModel('acme/nothing', modelsDir, { hubUrl }).catch((e: unknown) => e);
      expect((missing as GroundworkError).code).toBe('NOT_FOUND');
      expect((await listModels(modelsDir)).map((model) => model.id)).toEqual(['acme/tiny']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('fails fast and plainly when the hub is unreachable', async () => {
    // A port that was just open and is now closed: connection refused at once.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const modelsDir = join(work, 'offline');
    const error = await pullModel('Xenova/all-MiniLM-L6-v2', modelsDir, { hubUrl: `http://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect((error as GroundworkError).code).toBe('UNAVAILABLE');
    expect((error as Error).message).toMatch(/cannot pull model "Xenova\/all-MiniLM-L6-v2": 127\.0\.0\.1:\d+ is unreachable from this machine \(ECONNREFUSED\).*groundwork models import/);
    expect(await listModels(modelsDir)).toEqual([]);
  });

  it('gives up after the connect timeout instead of hanging', async () => {
    const hang = createServer(() => {}); // accepts, never answers
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
    try {
      const hubUrl = `http://127.0.0.1:${(hang.address() as AddressInfo).port}`;
      await expect(pullModel('acme/slow', join(work, 'slow'), { hubUrl, connectTimeoutMs: 200 })).rejects.toThrow(/no response within 200 ms/);
    } finally {
      hang.closeAllConnections();
      await new Promise<void>((resolve) => hang.close(() => resolve()));
    }
  });
});

describe('createEmbedderFromOptions / createRerankerFromOptions', () => {
  it('auto with no model installed runs lexical-only and says how to install one', async () => {
    const choice = await createEmbedderFromOptions({}, { modelsDir: join(work, 'empty') });
    expect(choice.embedder).toBeUndefined();
    expect(choice.reason).toMatch(/no embedding model installed .*lexical-only \(BM25\).*groundwork models pull Xenova\/all-MiniLM-L6-v2/);
  });

  it('auto picks the installed local embedder, ignoring rerankers', async () => {
    const modelsDir = join(work, 'auto');
    await importModel(crossSource, modelsDir, { id: 'aaa/rerank' });
    await importModel(encoderSource, modelsDir, { id: 'zzz/embed' });
    const choice = await createEmbedderFromOptions({ provider: 'auto' }, { modelsDir });
    expect(choice.embedder?.id).toBe('local:zzz/embed');
    expect(choice.reason).toContain('auto');
    const reranker = await createRerankerFromOptions({ provider: 'local', model: 'aaa/rerank' }, { modelsDir });
    expect(reranker.id).toBe('local:aaa/rerank');
    expect(await reranker.rerank('q', ['a', 'b'])).toHaveLength(2);
  });

  it('none, remote providers and bad options', async () => {
    const context = { modelsDir: join(work, 'empty'), env: {} as NodeJS.ProcessEnv };
    expect((await createEmbedderFromOptions({ provider: 'none' }, context)).embedder).toBeUndefined();
    await expect(createEmbedderFromOptions({ provider: 'openai' }, context)).rejects.toThrow(/OPENAI_API_KEY/);
    const compatible = await createEmbedderFromOptions({ provider: 'openai', model: 'nomic-embed-text', baseUrl: 'http://127.0.0.1:11434/v1', dimensions: 768 }, context);
    expect(compatible.embedder).toMatchObject({ id: 'openai-compatible:nomic-embed-text', dimensions: 768 });
    await expect(createEmbedderFromOptions({ provider: 'local' }, context)).rejects.toMatchObject({ code: 'MODEL_MISSING' });
    expect(await createRerankerFromOptions({}, context)).toBe(noReranker);
    await expect(createRerankerFromOptions({ provider: 'cohere' }, context)).rejects.toThrow(/COHERE_API_KEY/);
    expect(() => modelsOptionsSchema.parse({ embedder: { provider: 'gpu' } })).toThrow(/provider/);
    expect(modelsOptionsSchema.parse({})).toEqual({
      embedder: { provider: 'auto', dtype: 'fp32', device: 'cpu' },
      reranker: { provider: 'none', dtype: 'fp32', device: 'cpu' },
    });
  });
});
