import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openPgliteDb } from '../../src/db/pglite-driver.js';
import type { Db } from '../../src/db/types.js';
import { createChunker } from '../../src/ingest/chunkers/index.js';
import { runIngest, type SourceItem } from '../../src/ingest/pipeline.js';
import { defaultPrepareWorkers, type PortableChunkerSpec } from '../../src/ingest/prepare-workers.js';
import { createTiktokenCounter } from '../../src/models/tokens/index.js';
import { createEnglishAnalyzer } from '../../src/search-index/analyzer.js';
import { doc } from '../helpers/whole-document-chunker.js';

// Every worker thread the pipeline starts, and which of them have exited.
// `heapLimitMb` overrides the pipeline's worker heap limit, to make a worker run out of memory.
const threads = vi.hoisted(() => ({ started: [] as Worker[], exited: new Set<Worker>(), heapLimitMb: undefined as number | undefined }));
vi.mock('node:worker_threads', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:worker_threads')>();
  class RecordedWorker extends actual.Worker {
    constructor(...[filename, options]: ConstructorParameters<typeof actual.Worker>) {
      const heapLimit = threads.heapLimitMb === undefined ? {} : { resourceLimits: { ...options?.resourceLimits, maxOldGenerationSizeMb: threads.heapLimitMb } };
      super(filename, { ...options, ...heapLimit });
      threads.started.push(this);
      this.once('exit', () => threads.exited.add(this));
    }
  }
  return { ...actual, Worker: RecordedWorker };
});

const spec: PortableChunkerSpec = { chunker: 'markdown', maxTokens: 64, overlap: 8, encoding: 'cl100k_base' };
const chunker = createChunker('markdown', { maxTokens: 64, overlap: 8, tokenCounter: createTiktokenCounter('cl100k_base') });
const analyzer = createEnglishAnalyzer();
const documents = Array.from({ length: 6 }, (_, i) =>
  doc(`d${i}.md`, `# Part ${i}\n\n${'Foxes and dogs share the garden in spring. '.repeat(40)}`, { title: `Part ${i}`, format: 'markdown' }),
);

describe('prepare workers: started, used and ended by the pipeline', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openPgliteDb({ dataDir: 'memory://' });
    await migrate(db);
  });
  afterAll(async () => db.close());
  beforeEach(() => {
    threads.started.length = 0;
    threads.exited.clear();
    threads.heapLimitMb = undefined;
  });
  const ingest = (source: Iterable<SourceItem> | AsyncIterable<SourceItem>, tenant: string, prepareWorkers?: number) =>
    runIngest(source, { db, tenant, chunker, portableChunker: { spec }, prepareWorkers, analyzer, configFingerprint: spec as never, titleWeight: 1, batchDocuments: 2 });

  it('ends its workers when the ingest succeeds', async () => {
    const summary = await ingest(documents.map((document) => ({ document })), 'ok', 2);
    expect(summary.prepare).toEqual({ mode: 'workers', workers: 2 });
    expect(summary.documents.added).toBe(6);
    expect(threads.started).toHaveLength(2);
    expect(threads.exited.size).toBe(2);
  });

  it('ends its workers when the ingest fails, and the error propagates', async () => {
    async function* failing(): AsyncGenerator<SourceItem> {
      for (const document of documents.slice(0, 5)) yield { document };
      throw new Error('source disk vanished');
    }
    await expect(ingest(failing(), 'failing', 2)).rejects.toThrow('source disk vanished');
    expect(threads.started).toHaveLength(2);
    expect(threads.exited.size).toBe(2);
  });

  it('by default starts workers only when the run holds more than one batch', async () => {
    const one = await ingest(documents.slice(0, 2).map((document) => ({ document })), 'auto-one');
    expect(one.prepare).toEqual({ mode: 'in-thread', reason: 'the run fit in one batch' });
    expect(threads.started).toHaveLength(0);
    const many = await ingest(documents.map((document) => ({ document })), 'auto-many');
    expect(many.prepare).toEqual({ mode: 'workers', workers: defaultPrepareWorkers() });
    expect(threads.started).toHaveLength(defaultPrepareWorkers());
    expect(threads.exited.size).toBe(defaultPrepareWorkers());
  });

  it('prepares a batch too big for a worker heap on this thread, says so, and loses nothing', async () => {
    const big = doc('big.txt', Array.from({ length: 300_000 }, (_, i) => `word${i % 5000}x${i % 97}`).join(' '));
    const source = () => [...documents.slice(0, 3), big, ...documents.slice(3)].map((document): SourceItem => ({ document }));
    const dryRun = (prepareWorkers: number) =>
      runIngest(source(), { db, tenant: 'oom', chunker, portableChunker: { spec }, prepareWorkers, analyzer, configFingerprint: {}, titleWeight: 1, batchDocuments: 2, dryRun: true });
    const inThread = await dryRun(0);
    threads.heapLimitMb = 32;
    const withWorkers = await dryRun(1);
    expect(withWorkers.notices).toEqual([
      expect.stringMatching(/^a prepare worker ran out of memory .* the largest \/docs\/big\.txt: it and the rest of the run were chunked on the main thread$/),
    ]);
    expect({ ...withWorkers, notices: [], prepare: undefined, durationMs: 0 }).toEqual({ ...inThread, prepare: undefined, durationMs: 0 });
    expect(inThread.chunks).toBeGreaterThan(1000);
    expect(threads.exited.size).toBe(threads.started.length);
  });

  it('keeps plug-in chunkers on this thread and says why', async () => {
    const summary = await runIngest(documents.map((document) => ({ document })), {
      db,
      tenant: 'plug-in',
      chunker,
      portableChunker: { reason: 'plug-in chunker markdown runs on the main thread' },
      prepareWorkers: 2,
      analyzer,
      configFingerprint: {},
      titleWeight: 1,
      batchDocuments: 2,
    });
    expect(summary.prepare).toEqual({ mode: 'in-thread', reason: 'plug-in chunker markdown runs on the main thread' });
    expect(threads.started).toHaveLength(0);
  });
});

describe('prepare workers: a process under tsx exits on its own after ingesting with workers', () => {
  it('after a successful and after a failed ingest, without process.exit', () => {
    const src = (path: string) => JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', '..', 'src', path)).href);
    const script = join(mkdtempSync(join(tmpdir(), 'gw-prepare-')), 'ingest-and-exit.mts');
    writeFileSync(
      script,
      `import { openPgliteDb } from ${src('db/pglite-driver.js')};
import { migrate } from ${src('db/migrate.js')};
import { createChunker } from ${src('ingest/chunkers/index.js')};
import { runIngest } from ${src('ingest/pipeline.js')};
import { createTiktokenCounter } from ${src('models/tokens/index.js')};
import { createEnglishAnalyzer } from ${src('search-index/analyzer.js')};
const spec = ${JSON.stringify(spec)};
const options = (db, tenant) => ({ db, tenant, chunker: createChunker('markdown', { ...spec, tokenCounter: createTiktokenCounter('cl100k_base') }),
  portableChunker: { spec }, prepareWorkers: 2, analyzer: createEnglishAnalyzer(), configFingerprint: {}, titleWeight: 1, batchDocuments: 1 });
const documents = [0, 1, 2].map((i) => ({ document: { externalId: 'd' + i, source: '/d' + i, title: '', text: '# T\\n\\nSome text about foxes. '.repeat(30), format: 'markdown', metadata: {} } }));
const db = await openPgliteDb({ dataDir: 'memory://' });
await migrate(db);
const ok = await runIngest(documents, options(db, 'ok'));
let failure = null;
async function* failing() { yield documents[0]; yield documents[1]; throw new Error('source failed'); }
try { await runIngest(failing(), options(db, 'failing')); } catch (error) { failure = error.message; }
await db.close();
process.stdout.write(JSON.stringify({ prepare: ok.prepare, added: ok.documents.added, failure }));
`,
    );
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8', timeout: 50_000 });
    expect(child.signal, `the process did not exit by itself: ${child.stderr}`).toBeNull();
    expect(child.status, child.stderr).toBe(0);
    expect(JSON.parse(child.stdout)).toEqual({ prepare: { mode: 'workers', workers: 2 }, added: 3, failure: 'source failed' });
  });
});
