import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { ancestry, startOtlpReceiver } from './otlp-receiver.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const RECORDER = fileURLToPath(new URL('../../cli/fixtures/record-imports.mjs', import.meta.url));
/** What only tracing imports: the SDK, its exporter, resources (what they require in turn is CommonJS, unseen by the resolve hook). */
const SDK_PACKAGES = ['@opentelemetry/sdk-trace-base', '@opentelemetry/exporter-trace-otlp-http', '@opentelemetry/resources'];

/** `groundwork <args>` from sources in its own process; its exit code, stdout, stderr and the packages it loaded. */
async function groundwork(args: string[], env: Record<string, string>, record: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', RECORDER, 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, RECORD_IMPORTS: record, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  const packages = new Set<string>();
  for (const url of readFileSync(record, 'utf8').split('\n')) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match) packages.add(match[1]);
  }
  return { code, stdout, stderr, packages };
}

describe('groundwork ask and tracing', () => {
  let root: string;
  let dataDir: string;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'gw-cli-traces-'));
    dataDir = join(root, 'data');
    const docs = join(root, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'warranty.md'), '# Drill Warranty\n\nThe cordless drill has a two year warranty. Batteries are covered for one year from the date of purchase.\n');
    const io = { stdout: () => {}, stderr: () => {}, isTty: false };
    expect(await main(['ingest', docs], io, { GROUNDWORK_DATA_DIR: dataDir, PATH: process.env.PATH })).toBe(0);
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('with OTEL_EXPORTER_OTLP_ENDPOINT set: the spans of the run reach the receiver before the process exits', async () => {
    const run = await groundwork(['ask', 'How long is the drill warranty?', '--json'], { GROUNDWORK_DATA_DIR: dataDir, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, join(root, 'imports-on.txt'));
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout) as { answer: string; requestId: string };
    expect(answer.answer).toContain('two year warranty');
    expect(SDK_PACKAGES.filter((name) => !run.packages.has(name))).toEqual([]);

    const spans = receiver.spans();
    const roots = spans.filter((s) => s.parentSpanId === undefined);
    expect(roots.map((s) => s.name)).toEqual(['groundwork ask']);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const model = spans.find((s) => s.attributes['gen_ai.operation.name'] === 'chat')!;
    expect(model).toMatchObject({ name: 'chat extractive', kind: 3 });
    expect(model.attributes).toMatchObject({ 'gen_ai.provider.name': 'extractive', 'gen_ai.request.model': 'extractive' });
    expect(ancestry(spans, model).at(-1)).toBe('groundwork ask');
    expect(roots[0].resource['service.name']).toBe('groundwork');
    // The run's request id is the answer's, and on every span.
    expect(spans.map((s) => s.attributes['groundwork.request_id'])).toEqual(spans.map(() => answer.requestId));
    for (const stage of ['ask', 'cache lookup', 'retrieve', 'retrieve sparse', 'answer decision', 'generate', 'cache write']) {
      expect(spans.filter((s) => s.name === stage), stage).toHaveLength(1);
    }
  });

  it('with it unset: no tracing package is imported and nothing is sent', async () => {
    const before = receiver.requests.length;
    const run = await groundwork(['ask', 'How long is the drill warranty?', '--json'], { GROUNDWORK_DATA_DIR: dataDir }, join(root, 'imports-off.txt'));
    expect(run.code, run.stderr).toBe(0);
    expect(SDK_PACKAGES.filter((name) => run.packages.has(name))).toEqual([]);
    expect(receiver.requests.length).toBe(before);
  });

  it('serve: the spans still batched go out when SIGTERM stops it', async () => {
    const before = receiver.requests.length;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--no-auth', '--workers', '0', '--json'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, GROUNDWORK_DATA_DIR: dataDir, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const url = /"url":\s*"([^"]+)"/.exec(stdout)?.[1];
        if (url) resolve(url);
      });
      void exited.then(() => reject(new Error(`serve exited before listening: ${stderr}`)));
    });
    const res = await fetch(`${url}/v1/ask`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'serve-0001' }, body: JSON.stringify({ question: 'How long is the drill warranty?' }) });
    expect(res.status).toBe(200);
    // The batch waits 5 s (the SDK's default delay) before it goes: nothing has been sent yet.
    expect(receiver.requests.length).toBe(before);
    child.kill('SIGTERM');
    expect(await exited, stderr).toBe(0);
    const spans = receiver.spans().filter((s) => s.attributes['groundwork.request_id'] === 'serve-0001');
    expect(spans.find((s) => s.parentSpanId === undefined)?.name).toBe('POST /v1/ask');
    // (The answer may come from the cache the earlier runs filled: the stages present either way.)
    for (const stage of ['ask', 'cache lookup']) expect(spans.filter((s) => s.name === stage), stage).toHaveLength(1);
  }, 240_000);

  it('a value it cannot honour is a clear error naming the variable (exit 1)', async () => {
    let stderr = '';
    const io = { stdout: () => {}, stderr: (s: string) => void (stderr += s), isTty: false };
    expect(await main(['retrieve', 'drill', '--json'], io, { GROUNDWORK_DATA_DIR: 'memory://', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe(1);
    expect(stderr).toContain('OTEL_EXPORTER_OTLP_PROTOCOL');
  });
});
