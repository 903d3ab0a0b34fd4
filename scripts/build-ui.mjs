#!/usr/bin/env node
// Builds the web console (src/ui, Preact + uPlot) into dist/ui with esbuild: one script, one
// stylesheet, the page. Runs as part of `npm run build` (so at `npm install`/`npm ci`), and on its
// own: `node scripts/build-ui.mjs [--out DIR]`. Offline: everything is bundled, nothing from a CDN.
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Bundles the console into `outDir` (default dist/ui): app.js (IIFE, minified, with a source map),
 * app.css (the console's styles with uPlot's), index.html.
 * @returns {Promise<{ outDir: string, files: string[] }>}
 */
export async function buildUi(outDir = join(root, 'dist', 'ui')) {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(outDir, { recursive: true });
  await build({
    absWorkingDir: root,
    entryPoints: { app: 'src/ui/main.tsx' },
    outdir: outDir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    // Chromium, Firefox and Safari of the last two years: fetch streams, TextDecoderStream, ES2022.
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'eof',
    logLevel: 'warning',
    loader: { '.css': 'css' },
  });
  await copyFile(join(root, 'src', 'ui', 'index.html'), join(outDir, 'index.html'));
  return { outDir, files: ['index.html', 'app.js', 'app.css'] };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const started = performance.now();
  const { outDir } = await buildUi(at > 0 ? resolve(process.argv[at + 1]) : undefined);
  process.stderr.write(`web console built in ${Math.round(performance.now() - started)} ms: ${outDir}\n`);
}
