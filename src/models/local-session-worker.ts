/**
 * A local model's inference thread (started by createLocalSessionPool): loads the ONNX model with
 * Transformers.js on the given device and thread count, then runs each padded batch it is sent.
 * onnxruntime-node runs a session synchronously on the calling thread, so running it here leaves
 * the main thread free to tokenize the next batch, chunk documents and write to the database.
 * Encoders reply with pooled, L2-normalized vectors; classifiers with their logits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { AutoModel, AutoModelForSequenceClassification, env, Tensor } from '@huggingface/transformers';
import { poolRow } from './pool-hidden-states.js';
import type { SessionReply, SessionRequest, SessionSpec } from './local-session.js';

type RunnableModel = ((inputs: Record<string, Tensor>) => Promise<Record<string, { data: Float32Array; dims: number[] }>>) & { dispose(): Promise<unknown> };

const spec = workerData as SessionSpec;
const port = parentPort!;
const reply = (message: SessionReply, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

// Transformers.js reads this process-wide flag; groundwork never fetches model files at run time.
env.allowRemoteModels = false;
let model: RunnableModel;
try {
  const loader = spec.head === 'encoder' ? AutoModel : AutoModelForSequenceClassification;
  model = (await loader.from_pretrained(spec.dir, {
    local_files_only: true,
    dtype: spec.dtype,
    device: spec.device,
    // Never more threads than the pool was given (the pool checks them against the cores).
    session_options: { intraOpNumThreads: spec.threads, interOpNumThreads: 1 },
  })) as unknown as RunnableModel;
  reply({ type: 'ready' });
} catch (error) {
  reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  process.exit(0);
}

port.on('message', async (request: SessionRequest | { type: 'close' }) => {
  if ('type' in request) {
    await model.dispose();
    process.exit(0);
  }
  const { id, ids, mask, types, rows, length, tokens, pooling } = request;
  try {
    const dims = [rows, length];
    const output = await model({ input_ids: new Tensor('int64', ids, dims), attention_mask: new Tensor('int64', mask, dims), token_type_ids: new Tensor('int64', types, dims) });
    if (spec.head === 'classifier') {
      const logits = output.logits!;
      const data = Float32Array.from(logits.data);
      reply({ id, data, dims: logits.dims }, [data.buffer]);
      return;
    }
    const hidden = output.last_hidden_state!;
    const width = hidden.dims[2]!;
    const data = new Float32Array(rows * width);
    for (let row = 0; row < rows; row++) data.set(poolRow(hidden.data, row, length, width, tokens[row]!, pooling ?? 'mean'), row * width);
    reply({ id, data, dims: [rows, width] }, [data.buffer]);
  } catch (error) {
    reply({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
