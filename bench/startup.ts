/**
 * Start-up footprint of the embedded default: wall time and peak RSS of the real CLI
 * (`node bin/groundwork.js`, which runs dist/: `npm run build` first), each run in its own process
 * with its own GROUNDWORK_DATA_DIR under the system temp dir.
 *   node --import tsx bench/startup.ts [--runs 5] [--cli bin/groundwork.js] [--compare other/bin/groundwork.js]
 * Cases: `demo` on a fresh data dir (initdb, migrations, ingest of samples/corpus, one answer);
 * `demo` again on that dir (everything unchanged; the answer may come from the cache); one `ask`;
 * one `retrieve`. CPU time (user + system) comes with wall time: on a shared machine it moves far
 * less with the load than wall time does. Peak RSS is the process's (and its children's) maximum resident set, from
 * `/usr/bin/time -f %M` when it is installed, else VmHWM polled from /proc/<pid>/status. Each figure
 * is the median of `--runs` runs. `--compare` runs a second CLI (e.g. a checkout of the previous
 * commit) alternately with the first, run by run, so that both see the same machine load.
 * Prints one JSON document.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const runs = Number(flag('--runs', '5'));
const clis = [resolve(flag('--cli', 'bin/groundwork.js')), ...(args.includes('--compare') ? [resolve(flag('--compare', ''))] : [])];
const TIME = '/usr/bin/time';
const QUESTION = 'What is the travel budget?';

interface Sample {
  wallMs: number;
  /** User plus system CPU time (with /usr/bin/time): steadier than wall time on a loaded machine. */
  cpuMs: number;
  peakRssMb: number;
  exitCode: number | null;
}

/** Runs `node <cli> ...argv` with its own data dir; wall time from spawn to exit, peak RSS as described above. */
function runCli(cli: string, argv: string[], dataDir: string): Promise<Sample> {
  const useTime = existsSync(TIME);
  const rssFile = join(dataDir, '..', `rss-${process.hrtime.bigint()}`);
  const command = useTime ? TIME : process.execPath;
  const commandArgs = useTime ? ['-f', '%M %U %S', '-o', rssFile, process.execPath, cli, ...argv] : [cli, ...argv];
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(command, commandArgs, { env: { ...process.env, GROUNDWORK_DATA_DIR: dataDir }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let polledKb = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const match = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (match) polledKb = Math.max(polledKb, Number(match[1]));
          } catch {
            // The process has exited between two polls.
          }
        }, 5);
    child.on('error', fail);
    child.on('exit', (exitCode) => {
      const wallMs = performance.now() - started;
      if (poll) clearInterval(poll);
      const [kb, user, system] = useTime ? readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number) : [polledKb, NaN, NaN];
      rmSync(rssFile, { force: true });
      if (exitCode !== 0) process.stderr.write(`${argv.join(' ')} exited ${exitCode}: ${stderr.slice(-2000)}\n`);
      done({ wallMs, cpuMs: (user + system) * 1000, peakRssMb: kb / 1024, exitCode });
    });
  });
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const CASES = ['demoFresh', 'demoAgain', 'ask', 'retrieve'] as const;
type CaseName = (typeof CASES)[number];

/** One round of the four cases on a fresh data dir, in order (each after the one before it). */
async function round(cli: string): Promise<Record<CaseName, Sample>> {
  const root = mkdtempSync(join(tmpdir(), 'gw-startup-'));
  const dataDir = join(root, 'data');
  try {
    return {
      demoFresh: await runCli(cli, ['demo'], dataDir),
      demoAgain: await runCli(cli, ['demo'], dataDir),
      ask: await runCli(cli, ['ask', QUESTION, '--tenant', 'demo'], dataDir),
      retrieve: await runCli(cli, ['retrieve', 'travel budget', '--tenant', 'demo'], dataDir),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const samples = new Map<string, Array<Record<CaseName, Sample>>>(clis.map((cli) => [cli, []]));
for (let i = 0; i < runs; i += 1) {
  for (const cli of clis) samples.get(cli)!.push(await round(cli));
}

const summary = (rounds: Array<Record<CaseName, Sample>>) =>
  Object.fromEntries(
    CASES.map((name) => [
      name,
      {
        wallMs: Math.round(median(rounds.map((r) => r[name].wallMs))),
        cpuMs: Math.round(median(rounds.map((r) => r[name].cpuMs))),
        peakRssMb: Math.round(median(rounds.map((r) => r[name].peakRssMb))),
        failures: rounds.filter((r) => r[name].exitCode !== 0).length,
        wallMsRuns: rounds.map((r) => Math.round(r[name].wallMs)),
        peakRssMbRuns: rounds.map((r) => Math.round(r[name].peakRssMb)),
      },
    ]),
  );

console.log(
  JSON.stringify(
    {
      node: process.version,
      cpus: cpus().length,
      loadAverage: loadavg().map((l) => Number(l.toFixed(2))),
      runs,
      peakRssSource: existsSync(TIME) ? '/usr/bin/time %M' : '/proc/<pid>/status VmHWM',
      results: Object.fromEntries(clis.map((cli) => [cli, summary(samples.get(cli)!)])),
    },
    null,
    2,
  ),
);
