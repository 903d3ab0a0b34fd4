/**
 * A tool worker thread (started by createToolPool): runs one classic-ML tool at a time through
 * runTool, so a run gets the same validation, caps and output check as in-thread, and reports
 * progress at most every PROGRESS_INTERVAL_MS.
 */
import { parentPort } from 'node:worker_threads';
import { GroundworkError, InputError } from '../errors.js';
import { findTool, runTool } from './classic-ml-tools.js';
import type { ToolProgress } from './tool-run-context.js';
import type { ToolWorkerReply, ToolWorkerRequest } from './tool-pool.js';

/** Progress messages are throttled: a fit builds up to 1,000 trees, some in a millisecond. */
const PROGRESS_INTERVAL_MS = 250;

const port = parentPort!;
const reply = (message: ToolWorkerReply): void => port.postMessage(message);

port.on('message', async ({ id, tool, input }: ToolWorkerRequest) => {
  let lastProgress = 0;
  const onProgress = (progress: ToolProgress): void => {
    const now = Date.now();
    if (now - lastProgress < PROGRESS_INTERVAL_MS && progress.done < progress.total) return;
    lastProgress = now;
    reply({ type: 'progress', id, progress });
  };
  try {
    const output = await runTool(findTool(tool), input, { onProgress });
    reply({ type: 'done', id, output });
  } catch (error) {
    const failure = error as Error;
    reply({
      type: 'failed',
      id,
      error: {
        name: failure?.name ?? 'Error',
        message: failure?.message ?? String(error),
        ...(failure?.stack ? { stack: failure.stack } : {}),
        ...(error instanceof GroundworkError ? { code: error.code, details: error.details } : {}),
        ...(error instanceof InputError ? { field: error.field, reason: error.reason } : {}),
      },
    });
  }
});
reply({ type: 'ready' });
