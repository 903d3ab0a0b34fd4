import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { GroundworkError } from './errors.js';

/**
 * The ESM build of tsx's `tsx/esm/api`, found from this file (not the working directory). Read from
 * tsx's export map: `require.resolve` would give its CommonJS build, which fails to load in a worker.
 */
function tsxEsmApiUrl(): string {
  try {
    const manifestPath = createRequire(import.meta.url).resolve('tsx/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
    return pathToFileURL(join(dirname(manifestPath), manifest.exports['./esm/api'].import.default)).href;
  } catch (error) {
    throw new GroundworkError('INTERNAL', `running from TypeScript sources, but tsx's loader cannot be found for the worker threads (${(error as Error).message})`, { cause: error });
  }
}

/**
 * How to start a worker whose entry module sits next to the caller: compiled (dist/), the `.js`
 * file itself; from TypeScript sources (tsx, vitest), a small eval'd bootstrap that registers tsx's
 * loader first, as Node 20 workers do not inherit the parent's loader hooks.
 * @example const entry = workerEntry('./tool-worker', import.meta.url); new Worker(entry.script, { ...entry.options, workerData });
 */
export function workerEntry(relativeBase: string, callerUrl: string): { script: string | URL; options: Pick<WorkerOptions, 'eval'> } {
  const fromSource = callerUrl.endsWith('.ts');
  const entry = new URL(`${relativeBase}.${fromSource ? 'ts' : 'js'}`, callerUrl);
  if (!fromSource) return { script: entry, options: {} };
  const bootstrap = `import(${JSON.stringify(tsxEsmApiUrl())}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return { script: bootstrap, options: { eval: true } };
}

/** Starts a worker thread on the entry module next to the caller (see workerEntry). */
export function startWorker(relativeBase: string, callerUrl: string, options: WorkerOptions = {}): Worker {
  const { script, options: entryOptions } = workerEntry(relativeBase, callerUrl);
  return new Worker(script, { ...options, ...entryOptions });
}
