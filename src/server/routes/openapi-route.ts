import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { openApiDocument } from '../openapi-document.js';
import type { ToolCatalog } from './tools-route.js';

/** The package's version (`<root>/package.json`, two folders up from src/server/routes and dist/server/routes). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * `GET /openapi.json` (no key needed): the OpenAPI 3.1 document of every route registered on
 * `app`, generated on the first request, once all routes are in place.
 */
export function registerOpenApiRoute(app: Hono<AppEnv>, deps: { tools: ToolCatalog }): void {
  let document: Record<string, unknown> | undefined;
  app.get('/openapi.json', (c) => c.json((document ??= openApiDocument({ routes: app.routes, tools: deps.tools.list(), version: packageVersion() }))));
}
