import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { renderHtmlReport } from '../eval/html-report.js';
import type { AppEnv } from './app-env.js';

/** Where `scripts/build-ui.mjs` writes the console bundle (`<package root>/dist/ui`), from src/ and dist/ alike. */
export const DEFAULT_UI_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'ui');

/** What the bundle holds, by extension; anything else is not served. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};
/** Bundle file names: one flat folder, no dot files, no path separators. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

const NOT_BUILT =
  'The groundwork web console is not built: dist/ui/index.html is missing.\n' +
  'Build it in the groundwork checkout with `npm run build` (or only the console: `node scripts/build-ui.mjs`), then reload this page.\n';

/**
 * Hashes of the `<style>` blocks of the HTML experiment report, which the console shows in a
 * sandboxed frame (`srcdoc` documents take the page's policy): allowed by hash, so the console's
 * policy still allows no inline style of any other content.
 */
function reportStyleHashes(): string[] {
  const html = renderHtmlReport({ title: 'report', metrics: {} });
  return [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((match) => `'sha256-${createHash('sha256').update(match[1], 'utf8').digest('base64')}'`);
}

/**
 * The console's Content-Security-Policy: its own script and style files only (no inline script, no
 * eval, no other origin), API calls to this origin only, framed by nobody.
 */
export function consoleContentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' ${reportStyleHashes().join(' ')}`.trim(),
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * `GET /ui` (and `/ui/`): the web console's page; `GET /ui/:file` its script and style files, from
 * the bundle `scripts/build-ui.mjs` writes (`npm run build`). Served with a strict CSP (see
 * consoleContentSecurityPolicy) and no API key: the page holds no data; it asks for a key and
 * sends it with every /v1 call. Without a built bundle, 503 with how to build it.
 */
export function registerUiRoute(app: Hono<AppEnv>, options: { dir?: string } = {}): void {
  const dir = options.dir ?? DEFAULT_UI_DIR;
  const csp = consoleContentSecurityPolicy();

  const serve = async (c: Context<AppEnv>, name: string) => {
    const type = CONTENT_TYPES[extname(name)];
    if (!FILE_NAME.test(name) || type === undefined) return c.json({ error: { code: 'NOT_FOUND', message: `no console file ${JSON.stringify(name)}` } }, 404);
    let body: Buffer;
    try {
      body = await readFile(join(dir, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (name === 'index.html') return c.text(NOT_BUILT, 503, { 'Cache-Control': 'no-store' });
      return c.json({ error: { code: 'NOT_FOUND', message: `no console file ${JSON.stringify(name)} (is the console bundle built? \`npm run build\`)` } }, 404);
    }
    // Not hashed file names: the browser revalidates each load, so a rebuilt console is picked up.
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': type,
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
  };

  app.get('/ui', (c) => serve(c, 'index.html'));
  app.get('/ui/', (c) => serve(c, 'index.html'));
  app.get('/ui/:file', (c) => serve(c, c.req.param('file')));
}
