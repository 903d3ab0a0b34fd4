/**
 * A prepare worker thread (started by startPrepareWorkers): builds the configured chunker and the
 * English analyzer once, then chunks and analyzes each batch of documents it is sent. Results are
 * the ones the pipeline computes in-thread: same chunker, token counter and analyzer version.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEnglishAnalyzer } from '../search-index/analyzer.js';
import { createChunker } from './chunkers/create-chunker.js';
import { analyzeWrite } from '../search-index/document-analysis.js';
import { packPrepared, transferables, type PreparedOnTheWire, type PrepareReply, type PrepareRequest, type PrepareWorkerSpec } from './prepare-workers.js';
import { createTiktokenCounter } from '../models/tokens/tiktoken-counter.js';

const spec = workerData as PrepareWorkerSpec;
const port = parentPort!;
const chunker = createChunker(spec.chunker, { maxTokens: spec.maxTokens, overlap: spec.overlap, tokenCounter: createTiktokenCounter(spec.encoding) });
const analyzer = createEnglishAnalyzer();

const reply = (message: PrepareReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

port.on('message', async ({ id, documents }: PrepareRequest) => {
  try {
    const results: PreparedOnTheWire[] = [];
    for (const document of documents) {
      let chunks;
      try {
        chunks = await chunker.chunk(document);
      } catch (error) {
        // Same reason as in-thread: the pipeline skips this document alone.
        results.push({ chunkingError: (error as Error).message });
        continue;
      }
      results.push(packPrepared(document, chunks, analyzeWrite({ document, chunks }, analyzer, spec.titleWeight)));
    }
    reply({ type: 'prepared', id, results }, results.flatMap(transferables));
  } catch (error) {
    reply({ type: 'failed', id, message: (error as Error).message });
  }
});
reply({ type: 'ready' });
