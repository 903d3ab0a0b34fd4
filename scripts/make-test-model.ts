/**
 * Writes a random-weight BERT-style model in the Transformers.js layout, for tests and benchmarks.
 * Usage: node --import tsx scripts/make-test-model.ts <dir> [--kind encoder|cross-encoder] [--shape tiny|minilm]
 *        [--pooling mean|cls] [--query-prefix TEXT] [--document-prefix TEXT] [--no-quantized] [--seed N]
 */
import { parseArgs } from 'node:util';
import { writeTestModel } from '../src/models/test-model/write-test-model.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kind: { type: 'string', default: 'encoder' },
    shape: { type: 'string', default: 'tiny' },
    pooling: { type: 'string', default: 'mean' },
    'query-prefix': { type: 'string' },
    'document-prefix': { type: 'string' },
    'no-quantized': { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
    id: { type: 'string' },
  },
});
const dir = positionals[0];
const fail = (message: string): never => {
  process.stderr.write(`make-test-model: ${message}\n`);
  process.exit(2);
};
if (!dir) fail('usage: make-test-model.ts <dir> [--kind encoder|cross-encoder] [--shape tiny|minilm]');
if (values.kind !== 'encoder' && values.kind !== 'cross-encoder') fail(`--kind: expected encoder or cross-encoder, got ${values.kind}`);
if (values.shape !== 'tiny' && values.shape !== 'minilm') fail(`--shape: expected tiny or minilm, got ${values.shape}`);
if (values.pooling !== 'mean' && values.pooling !== 'cls') fail(`--pooling: expected mean or cls, got ${values.pooling}`);
const seed = Number(values.seed);
if (!Number.isInteger(seed)) fail(`--seed: expected an integer, got ${values.seed}`);
const manifest = await writeTestModel(dir as string, {
  kind: values.kind as 'encoder' | 'cross-encoder',
  shape: values.shape as 'tiny' | 'minilm',
  pooling: values.pooling as 'mean' | 'cls',
  queryPrefix: values['query-prefix'],
  documentPrefix: values['document-prefix'],
  quantized: !values['no-quantized'],
  seed,
  id: values.id,
});
process.stdout.write(`${JSON.stringify({ dir, ...manifest })}\n`);
