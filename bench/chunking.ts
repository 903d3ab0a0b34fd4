/**
 * Chunking throughput with real token counts (issue 3): our chunkers on two worker threads against
 * LangChain's RecursiveCharacterTextSplitter with a tiktoken length function, in the same run.
 *
 *   node --import tsx bench/chunking.ts [--long-mb 100] [--langchain-mb 8] [--workers 2]
 *
 * Corpora: SciFact (/work/shared/datasets/scifact/corpus.jsonl, or GROUNDWORK_SCIFACT) and a
 * synthetic corpus of long markdown documents generated once under .bench/ (seeded, deterministic).
 * Prints one JSON document.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { get_encoding } from 'tiktoken';
import { createChunker, type ChunkerName } from '../src/ingest/chunkers/create-chunker.js';
import { createTiktokenCounter } from '../src/models/tokens/tiktoken-counter.js';
import type { ChunkDraft, Chunker, LoadedDocument } from '../src/ingest/types.js';

const CHUNK_SIZE = 512;
const CHUNK_OVERLAP = 50;
const LONG_DOCUMENT_BYTES = 200_000;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface WorkerJob {
  file: string;
  worker: number;
  workers: number;
  chunker: ChunkerName;
}
interface WorkerResult {
  bytes: number;
  documents: number;
  chunks: number;
  tokens: number;
  maxChunkTokens: number;
}

function readDocuments(file: string): LoadedDocument[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line, index) => {
      const record = JSON.parse(line) as { _id?: string; title?: string; text: string; format?: 'markdown' | 'text' };
      return { externalId: record._id ?? String(index), source: file, title: record.title ?? '', text: record.text, format: record.format ?? 'text', metadata: {} };
    });
}

/** A chunker with its own tiktoken encoder (loading the ranks takes a while: done before timing). */
function buildChunker(chunker: ChunkerName) {
  const tokenCounter = createTiktokenCounter('cl100k_base');
  return { chunker: createChunker(chunker, { maxTokens: CHUNK_SIZE, overlap: CHUNK_OVERLAP, tokenCounter }), free: () => tokenCounter.free() };
}

function chunkAll(documents: LoadedDocument[], instance: Chunker): WorkerResult {
  const result: WorkerResult = { bytes: 0, documents: 0, chunks: 0, tokens: 0, maxChunkTokens: 0 };
  for (const document of documents) {
    const chunks = instance.chunk(document) as ChunkDraft[];
    result.bytes += Buffer.byteLength(document.text);
    result.documents++;
    result.chunks += chunks.length;
    for (const chunk of chunks) {
      result.tokens += chunk.tokenCount;
      result.maxChunkTokens = Math.max(result.maxChunkTokens, chunk.tokenCount);
    }
  }
  return result;
}

if (!isMainThread) {
  const job = workerData as WorkerJob;
  const documents = readDocuments(job.file).filter((_, index) => index % job.workers === job.worker);
  const { chunker } = buildChunker(job.chunker);
  parentPort?.postMessage('ready');
  parentPort?.once('message', () => parentPort?.postMessage(chunkAll(documents, chunker)));
} else {
  await main();
}

/** Runs the chunker over `file` on `workers` threads; the clock starts once every worker has parsed its share. */
async function parallelRun(file: string, chunker: ChunkerName, workers: number) {
  // Node 20 workers do not inherit tsx's loader hooks: register them in the worker, then import this file.
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const threads = Array.from({ length: workers }, (_, worker) => new Worker(bootstrap, { eval: true, workerData: { file, worker, workers, chunker } satisfies WorkerJob }));
  await Promise.all(threads.map((thread) => new Promise((resolve) => thread.once('message', resolve))));
  const started = performance.now();
  const results = await Promise.all(
    threads.map(
      (thread) =>
        new Promise<WorkerResult>((resolve, reject) => {
          thread.once('message', resolve);
          thread.once('error', reject);
          thread.postMessage('go');
        }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(threads.map((thread) => thread.terminate()));
  const total = results.reduce((sum, result) => ({
    bytes: sum.bytes + result.bytes,
    documents: sum.documents + result.documents,
    chunks: sum.chunks + result.chunks,
    tokens: sum.tokens + result.tokens,
    maxChunkTokens: Math.max(sum.maxChunkTokens, result.maxChunkTokens),
  }));
  return { chunker, workers, megabytes: round(total.bytes / 1e6), documents: total.documents, chunks: total.chunks, tokens: total.tokens, maxChunkTokens: total.maxChunkTokens, seconds: round(seconds), megabytesPerSecond: round(total.bytes / 1e6 / seconds) };
}

/**
 * Deterministic long markdown documents: headings, paragraphs, lists, tables and code fences. Words
 * are drawn from the SciFact corpus's own word stream (natural vocabulary and frequencies, so a
 * tokenizer cache sees a realistic hit rate); without SciFact, from random letter strings.
 */
function generateLongDocuments(file: string, megabytes: number, wordSource: string): void {
  if (existsSync(file) && statSync(file).size >= megabytes * 1e6) return;
  mkdirSync(dirname(file), { recursive: true });
  let seed = 42;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const vocabulary = existsSync(wordSource)
    ? readDocuments(wordSource).flatMap((document) => document.text.split(/\s+/).filter(Boolean))
    : Array.from({ length: 200_000 }, () => Array.from({ length: 2 + Math.floor(random() * 10) }, () => String.fromCharCode(97 + Math.floor(random() * 26))).join(''));
  const words = (count: number) => Array.from({ length: count }, () => vocabulary[Math.floor(random() * vocabulary.length)]).join(' ');
  const sentence = () => {
    const text = words(6 + Math.floor(random() * 22));
    return `${text[0].toUpperCase()}${text.slice(1)}${random() < 0.1 ? ` (${Math.floor(random() * 1000)}%)` : ''}.`;
  };
  const lines: string[] = [];
  let written = 0;
  for (let documentIndex = 0; written < megabytes * 1e6; documentIndex++) {
    const parts: string[] = [`# Document ${documentIndex}: ${words(4)}`];
    let size = 0;
    while (size < LONG_DOCUMENT_BYTES) {
      const roll = random();
      let block: string;
      if (roll < 0.08) block = `${'#'.repeat(2 + Math.floor(random() * 2))} ${words(3 + Math.floor(random() * 4))}`;
      else if (roll < 0.13) block = Array.from({ length: 3 + Math.floor(random() * 6) }, () => `- ${sentence()}`).join('\n');
      else if (roll < 0.16) {
        const rows = Array.from({ length: 4 + Math.floor(random() * 30) }, () => `| ${words(2)} | ${Math.floor(random() * 1e4)} | ${words(5)} |`);
        block = `| name | value | note |\n| --- | ---: | --- |\n${rows.join('\n')}`;
      } else if (roll < 0.19) {
        const code = Array.from({ length: 5 + Math.floor(random() * 40) }, (_, i) => `  const v${i} = compute("${words(2)}", ${Math.floor(random() * 100)});`);
        block = `\`\`\`ts\n${code.join('\n')}\n\`\`\``;
      } else block = Array.from({ length: 2 + Math.floor(random() * 8) }, sentence).join(' ');
      parts.push(block);
      size += block.length + 2;
    }
    const text = parts.join('\n\n');
    lines.push(JSON.stringify({ _id: `long-${documentIndex}`, title: `Document ${documentIndex}`, text, format: 'markdown' }));
    written += Buffer.byteLength(text);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * LangChain's recursive splitter with a tiktoken length function: plain tiktoken (`encode` per
 * candidate, as LangChain users write it), or, for reference, our cached counter.
 */
async function langchainRun(documents: LoadedDocument[], lengthFunction: 'tiktoken' | 'groundwork-counter') {
  const encoder = get_encoding('cl100k_base');
  const ours = createTiktokenCounter('cl100k_base');
  const count = lengthFunction === 'tiktoken' ? (text: string) => encoder.encode_ordinary(text).length : (text: string) => ours.count(text);
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: CHUNK_SIZE, chunkOverlap: CHUNK_OVERLAP, lengthFunction: count });
  count('warm up');
  const bytes = documents.reduce((sum, document) => sum + Buffer.byteLength(document.text), 0);
  let chunks = 0;
  const started = performance.now();
  for (const document of documents) chunks += (await splitter.splitText(document.text)).length;
  const seconds = (performance.now() - started) / 1000;
  encoder.free();
  ours.free();
  return { splitter: `langchain RecursiveCharacterTextSplitter, length = ${lengthFunction}`, workers: 1, megabytes: round(bytes / 1e6), chunks, seconds: round(seconds), megabytesPerSecond: round(bytes / 1e6 / seconds) };
}

/** Our chunker on one thread over the same documents (per-core comparison). */
function singleThreadRun(documents: LoadedDocument[], chunker: ChunkerName) {
  const built = buildChunker(chunker);
  const started = performance.now();
  const result = chunkAll(documents, built.chunker);
  const seconds = (performance.now() - started) / 1000;
  built.free();
  return { chunker, workers: 1, megabytes: round(result.bytes / 1e6), chunks: result.chunks, seconds: round(seconds), megabytesPerSecond: round(result.bytes / 1e6 / seconds) };
}

/** Plain tiktoken encoding every document once, one thread (what "tokenizing alone" costs). */
function tokenizeOnly(documents: LoadedDocument[]) {
  const encoder = get_encoding('cl100k_base');
  const counter = { count: (text: string) => encoder.encode_ordinary(text).length, free: () => encoder.free() };
  const bytes = documents.reduce((sum, document) => sum + Buffer.byteLength(document.text), 0);
  counter.count('warm up');
  const started = performance.now();
  for (const document of documents) counter.count(document.text);
  const seconds = (performance.now() - started) / 1000;
  counter.free();
  return { workers: 1, megabytes: round(bytes / 1e6), megabytesPerSecond: round(bytes / 1e6 / seconds) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const workers = argument('workers', 2);
  const longMegabytes = argument('long-mb', 100);
  const langchainMegabytes = argument('langchain-mb', 8);
  const scifact = process.env.GROUNDWORK_SCIFACT ?? '/work/shared/datasets/scifact/corpus.jsonl';
  const longFile = join(ROOT, '.bench', `chunking-long-v2-${longMegabytes}mb.jsonl`);
  generateLongDocuments(longFile, longMegabytes, scifact);

  const output: Record<string, unknown> = {
    benchmark: 'chunking',
    chunkSize: CHUNK_SIZE,
    chunkOverlap: CHUNK_OVERLAP,
    tokenizer: 'tiktoken cl100k_base',
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverageAtStart: loadavg().map(round), note: 'shared with other engineers running builds and tests while measured' },
  };
  if (existsSync(scifact)) {
    output.scifact = { recursive: await parallelRun(scifact, 'recursive', workers), markdown: await parallelRun(scifact, 'markdown', workers) };
  } else output.scifact = { skipped: `${scifact} not found` };

  const long = { recursive: await parallelRun(longFile, 'recursive', workers), markdown: await parallelRun(longFile, 'markdown', workers) };
  // LangChain is slow: measure it (and our single-thread runs) on the first documents up to langchainMegabytes.
  const sample: LoadedDocument[] = [];
  let sampleBytes = 0;
  for (const document of readDocuments(longFile)) {
    if (sampleBytes >= langchainMegabytes * 1e6) break;
    sample.push(document);
    sampleBytes += Buffer.byteLength(document.text);
  }
  const langchain = await langchainRun(sample, 'tiktoken');
  const langchainWithOurCounter = await langchainRun(sample, 'groundwork-counter');
  const oursSingle = singleThreadRun(sample, 'recursive');
  output.longDocuments = {
    file: longFile,
    ...long,
    sample: { tiktokenEncodeOnly: tokenizeOnly(sample), recursiveOneThread: oursSingle, langchain, langchainWithOurCounter },
    ratioVsLangchain: {
      recursiveParallel: round(long.recursive.megabytesPerSecond / langchain.megabytesPerSecond),
      markdownParallel: round(long.markdown.megabytesPerSecond / langchain.megabytesPerSecond),
      recursiveOneThread: round(oursSingle.megabytesPerSecond / langchain.megabytesPerSecond),
    },
    targets: { megabytesPerSecond: 5, ratioVsLangchain: 4 },
  };
  (output.machine as Record<string, unknown>).loadAverageAtEnd = loadavg().map(round);
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
}
