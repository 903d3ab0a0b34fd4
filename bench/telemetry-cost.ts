/**
 * Telemetry's throughput cost as interleaved pairs (run through `bench/monitor.ts --telemetry-cost`):
 * two servers of bench/http.ts (`--serve`, one with `--telemetry on`, one `off`, the same database
 * and corpus), loaded one after the other with /v1/retrieve at `connections` for `seconds`, the
 * order alternating from pair to pair (a second half runs slower: `byOrder` reports both). The figure is the median of the per-pair ratios
 * (requests/s on ÷ off) with a percentile bootstrap interval over pairs: a machine whose load
 * drifts over minutes moves both halves of a pair, and one pair spoiled by a burst of other work
 * moves the median little. Retrieval only: the answer cache, shared through the database, would
 * let one server's asks warm the other's.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { bootstrapInterval } from '../src/classic-ml/metrics/bootstrap-interval.js';
import { mulberry32 } from '../src/random.js';

export interface TelemetryCostOptions {
  pairs: number;
  seconds: number;
  connections: number;
  chunks: number;
  /** Warm-up load per server before the pairs, in seconds (JIT, plans, posting cache). */
  warmupSeconds?: number;
  seed?: number;
}

interface Served {
  child: ChildProcess;
  url: string;
  secret: string;
}

/** Starts bench/http.ts's server child with telemetry on or off; resolves when it is listening. */
function startServer(telemetry: 'on' | 'off', chunks: number): Promise<Served> {
  const child = fork(join(import.meta.dirname, 'http.ts'), ['--serve', '--telemetry', telemetry, '--chunks', String(chunks)], {
    execArgv: [...process.execArgv, '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { url: string; secret: string }) => resolve({ child, url: message.url, secret: message.secret }));
    child.once('exit', (code) => reject(new Error(`bench/http.ts --serve --telemetry ${telemetry} exited with ${code}`)));
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs the pairs and returns the figures (one JSON document). */
export async function telemetryCost(options: TelemetryCostOptions): Promise<Record<string, unknown>> {
  if (!Number.isInteger(options.pairs) || options.pairs < 2) throw new Error(`--pairs must be an integer >= 2, got ${options.pairs}`);
  const queries = readFileSync(join(process.cwd(), '..', 'shared', 'datasets', 'scifact', 'queries.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { text: string }).text);
  let next = 0;
  const load = async (server: Served, seconds: number) => {
    const times: number[] = [];
    const instance = autocannon({
      url: `${server.url}/v1/retrieve`,
      connections: options.connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${server.secret}` },
          setupRequest: (request) => ({ ...request, body: JSON.stringify({ query: queries[next++ % queries.length], k: 10, mode: 'sparse' }) }),
        },
      ],
    }) as unknown as autocannon.Instance & Promise<autocannon.Result>;
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => times.push(responseTime));
    const result = await instance;
    times.sort((a, b) => a - b);
    return { requestsPerSecond: times.length / result.duration, p99Ms: times[Math.min(times.length - 1, Math.ceil(0.99 * times.length) - 1)] ?? Number.NaN, non2xx: result.non2xx, errors: result.errors };
  };

  // One at a time: the first ingests (incrementally) into the shared database, the second finds it done.
  const on = await startServer('on', options.chunks);
  const off = await startServer('off', options.chunks);
  try {
    const warmup = options.warmupSeconds ?? Math.max(3, options.seconds);
    await load(on, warmup);
    await load(off, warmup);
    const random = mulberry32(options.seed ?? 1);
    const pairs: Array<{ order: string; onRps: number; offRps: number; ratio: number; onP99Ms: number; offP99Ms: number }> = [];
    let failures = 0;
    const firstOnFirst = random() < 0.5;
    for (let pair = 0; pair < options.pairs; pair++) {
      // Alternating order, the first pair's drawn: a second half runs slower than a first on this
      // machine (measured: about 8%), so an unbalanced draw would bias the median.
      const onFirst = pair % 2 === 0 ? firstOnFirst : !firstOnFirst;
      const first = await load(onFirst ? on : off, options.seconds);
      const second = await load(onFirst ? off : on, options.seconds);
      const [withTelemetry, without] = onFirst ? [first, second] : [second, first];
      failures += withTelemetry.non2xx + withTelemetry.errors + without.non2xx + without.errors;
      pairs.push({
        order: onFirst ? 'on,off' : 'off,on',
        onRps: round(withTelemetry.requestsPerSecond),
        offRps: round(without.requestsPerSecond),
        ratio: withTelemetry.requestsPerSecond / without.requestsPerSecond,
        onP99Ms: round(withTelemetry.p99Ms),
        offP99Ms: round(without.p99Ms),
      });
    }
    const ratios = pairs.map((p) => p.ratio);
    const p99Ratios = pairs.map((p) => p.onP99Ms / p.offP99Ms);
    const interval = bootstrapInterval(ratios.length, (indices) => median(indices.map((i) => ratios[i])), { iterations: 2000, seed: options.seed ?? 1 });
    const p99Interval = bootstrapInterval(p99Ratios.length, (indices) => median(indices.map((i) => p99Ratios[i])), { iterations: 2000, seed: options.seed ?? 1 });
    const costPercent = (ratio: number) => round((1 - ratio) * 100);
    return {
      bench: 'telemetry-cost',
      node: process.version,
      machine: { cpus: cpus().length, loadAverage1m: loadavg()[0], note: 'compare runs on the same machine only; the interval says how much the machine moved the figure' },
      settings: { pairs: options.pairs, secondsPerHalf: options.seconds, connections: options.connections, chunks: options.chunks, route: '/v1/retrieve', mode: 'sparse' },
      throughputCostPercent: { median: costPercent(median(ratios)), ci95: [costPercent(interval.upper), costPercent(interval.lower)] },
      medianRatio: round(median(ratios), 4),
      ratioCi95: [round(interval.lower, 4), round(interval.upper, 4)],
      // Per order, and the order-balanced figure: the geometric mean of the two orders' medians
      // cancels a constant second-half slowdown (which it also reports).
      byOrder: byOrder(pairs),
      p99Ratio: { median: round(median(p99Ratios), 3), ci95: [round(p99Interval.lower, 3), round(p99Interval.upper, 3)] },
      failedRequests: failures,
      pairs: pairs.map((p) => ({ ...p, ratio: round(p.ratio, 4) })),
      target: { throughputCostPercent: 3, verdict: 'met when the interval’s upper end is <= 3; undecided when the interval spans 3' },
    };
  } finally {
    on.child.send({ type: 'stop' });
    off.child.send({ type: 'stop' });
  }
}

function byOrder(pairs: ReadonlyArray<{ order: string; ratio: number }>) {
  const onFirst = pairs.filter((p) => p.order === 'on,off').map((p) => p.ratio);
  const offFirst = pairs.filter((p) => p.order === 'off,on').map((p) => p.ratio);
  if (onFirst.length === 0 || offFirst.length === 0) return { onFirstMedianRatio: null, offFirstMedianRatio: null, balancedCostPercent: null, secondHalfSlowdownPercent: null };
  const a = median(onFirst);
  const b = median(offFirst);
  return {
    onFirstMedianRatio: round(a, 4),
    offFirstMedianRatio: round(b, 4),
    balancedCostPercent: round((1 - Math.sqrt(a * b)) * 100),
    secondHalfSlowdownPercent: round((1 - Math.sqrt(b / a)) * 100),
  };
}

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
