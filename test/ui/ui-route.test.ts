import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/server/app-env.js';
import { consoleContentSecurityPolicy, registerUiRoute } from '../../src/server/ui-route.js';

const built = mkdtempSync(join(tmpdir(), 'gw-ui-built-'));
writeFileSync(join(built, 'index.html'), '<!doctype html><script src="/ui/app.js" defer></script>');
writeFileSync(join(built, 'app.js'), 'console.log(1)');
writeFileSync(join(built, 'app.css'), 'body{}');
writeFileSync(join(built, 'secret.txt'), 'not part of the console');
const empty = mkdtempSync(join(tmpdir(), 'gw-ui-empty-'));
afterAll(() => {
  rmSync(built, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

const appFor = (dir: string) => {
  const app = new Hono<AppEnv>();
  registerUiRoute(app, { dir });
  return app;
};

describe('/ui', () => {
  it('serves the page and its files with a strict CSP: own scripts only, no inline script, no other origin', async () => {
    const app = appFor(built);
    for (const path of ['/ui', '/ui/']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('/ui/app.js');
    }
    const script = await app.request('/ui/app.js');
    expect(script.headers.get('content-type')).toContain('text/javascript');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await app.request('/ui/app.css')).headers.get('content-type')).toContain('text/css');
    const csp = (await app.request('/ui')).headers.get('content-security-policy')!;
    const directives = Object.fromEntries(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    // Inline style only by hash (the experiment report's own stylesheet), never 'unsafe-inline'.
    expect(directives['style-src'][0]).toBe("'self'");
    for (const source of directives['style-src'].slice(1)) expect(source).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
    expect(csp).not.toMatch(/unsafe-|https?:|\*/);
    expect(consoleContentSecurityPolicy()).toBe(csp);
  });

  it('serves only the bundle\'s own kinds of file, from its folder', async () => {
    const app = appFor(built);
    expect((await app.request('/ui/secret.txt')).status).toBe(404);
    expect((await app.request('/ui/..%2Fpackage.json')).status).toBe(404);
    expect((await app.request('/ui/.hidden.js')).status).toBe(404);
    expect((await app.request('/ui/missing.js')).status).toBe(404);
  });

  it('says clearly that the console is not built, and how to build it', async () => {
    const res = await appFor(empty).request('/ui');
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain('not built');
    expect(text).toContain('npm run build');
    expect(text).toContain('node scripts/build-ui.mjs');
    expect(text).not.toContain(empty);
  });
});
