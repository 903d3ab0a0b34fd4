import type { Hono } from 'hono';
import type { Tool } from '../../classic-ml/tool.js';
import { GroundworkError } from '../../errors.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { invalidInput } from '../error-response.js';
import { parseJsonBody } from '../parse-input.js';
import { withRequestSignal } from '../request-guards.js';
import { z } from 'zod';

/** The classic-ML tools the service can run. */
export interface ToolCatalog {
  find(name: string): Tool | undefined;
  list(): readonly Tool[];
}

/** A catalog over a fixed list of tools. */
export function toolCatalog(tools: readonly Tool[]): ToolCatalog {
  const byName = new Map(tools.map((tool) => [tool.name, tool]));
  return { find: (name) => byName.get(name), list: () => tools };
}

/**
 * `POST /v1/tools/:name`: runs a classic-ML tool on a JSON body validated by the tool's input
 * schema (400 naming each bad field). `GET /v1/tools` lists them.
 */
export function registerToolsRoute(app: Hono<AppEnv>, deps: RouteDeps & { tools: ToolCatalog }): void {
  const { tools, options } = deps;
  app.get('/v1/tools', (c) => c.json({ tools: tools.list().map((t) => ({ name: t.name, description: t.description })) }));
  app.post('/v1/tools/:name', async (c) => {
    const name = c.req.param('name');
    const tool = tools.find(name);
    if (!tool) {
      throw new GroundworkError('NOT_FOUND', `no tool named "${name}"; available: ${tools.list().map((t) => t.name).join(', ') || '(none)'}`, { details: { tool: name } });
    }
    const body = await parseJsonBody(c, z.unknown());
    const parsed = tool.inputSchema.safeParse(body);
    if (!parsed.success) throw invalidInput(parsed.error);
    const output = await withRequestSignal(c.get('signal'), Promise.resolve().then(() => tool.run(parsed.data)), options.requestTimeoutMs);
    return c.json({ tool: tool.name, output });
  });
}
