import type { Hono } from 'hono';
import { pendingMigrations } from '../../db/migrate.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { redactPathsDeep } from '../redact-paths.js';

/**
 * `GET /health` (the process is up), `GET /ready` (database, migrations, models) and `GET /metrics`.
 * They need no API key, so they show no filesystem paths.
 */
export function registerHealthRoutes(app: Hono<AppEnv>, deps: RouteDeps & { isDraining: () => boolean }): void {
  const { groundwork, metrics } = deps;
  const started = Date.now();

  app.get('/health', (c) => c.json({ status: 'ok', uptimeSeconds: Math.round((Date.now() - started) / 1000) }));

  app.get('/ready', async (c) => {
    const checks: Record<string, { ok: boolean; [key: string]: unknown }> = {};
    try {
      await groundwork.db.query('SELECT 1');
      checks.database = { ok: true, kind: groundwork.db.kind };
    } catch (error) {
      checks.database = { ok: false, error: (error as Error).message };
    }
    if (checks.database.ok) {
      try {
        const pending = await pendingMigrations(groundwork.db);
        checks.migrations = { ok: pending.length === 0, pending };
      } catch (error) {
        checks.migrations = { ok: false, error: (error as Error).message };
      }
    } else {
      checks.migrations = { ok: false, error: 'database unreachable' };
    }
    checks.models = {
      ok: Boolean(groundwork.chatModel),
      chatModel: groundwork.chatModel?.id ?? null,
      embedder: groundwork.embedder?.id ?? null,
      reranker: groundwork.reranker?.id ?? null,
      notices: groundwork.notices,
    };
    checks.accepting = { ok: !deps.isDraining() };
    const ready = Object.values(checks).every((check) => check.ok);
    // /ready is open to anyone: notices and errors name directories (the models dir, the data dir).
    return c.json({ ready, checks: redactPathsDeep(checks) }, ready ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    c.header('Content-Type', metrics.registry.contentType);
    return c.body(await metrics.registry.metrics());
  });
}
