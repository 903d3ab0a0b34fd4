import type { Hono } from 'hono';
import type { Tool } from '../../classic-ml/tool.js';
import { checkToolLimits } from '../../classic-ml/tool-limits.js';
import { createToolPool, type ToolPool } from '../../classic-ml/tool-pool.js';
import { GroundworkError } from '../../errors.js';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { invalidInput } from '../error-response.js';
import { parseJsonBody } from '../parse-input.js';
import { abortError, withRequestSignal } from '../request-guards.js';
import type { ServerOptions } from '../server-options.js';
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

/** The tool pool the server options describe (toolWorkers, toolQueueLimit, toolTimeoutMs, toolMemoryMb). */
export function serverToolPool(options: ServerOptions): ToolPool {
  return createToolPool({ workers: options.toolWorkers, queueLimit: options.toolQueueLimit, timeoutMs: options.toolTimeoutMs, memoryMb: options.toolMemoryMb });
}

/**
 * `POST /v1/tools/:name`: runs a classic-ML tool on a JSON body validated by the tool's input
 * schema and size caps (400 naming each bad field) before it is queued. Built-in tools run in the
 * pool's worker threads, so a long fit never holds the event loop: a full pool answers 503 with
 * Retry-After, a run past the request or tool time limit is stopped (504), one past the worker's
 * memory 413. Other tools (a custom catalog) run in this thread. `GET /v1/tools` lists them.
 */
export function registerToolsRoute(app: Hono<AppEnv>, deps: RouteDeps & { tools: ToolCatalog; toolPool: ToolPool }): void {
  const { tools, options, toolPool } = deps;
  app.get('/v1/tools', (c) => c.json({ tools: tools.list().map((t) => ({ name: t.name, description: t.description })) }));
  app.post('/v1/tools/:name', async (c) => {
    const name = c.req.param('name');
    const tool = tools.find(name);
    if (!tool) {
      throw new GroundworkError('NOT_FOUND', `no tool named "${name}"; available: ${tools.list().map((t) => t.name).join(', ') || '(none)'}`, { details: { tool: name } });
    }
    // A full pool refuses before reading and validating a body of up to bodyLimitBytes.
    if (toolPool.runs(tool)) toolPool.checkCapacity();
    const body = await parseJsonBody(c, z.unknown());
    const parsed = tool.inputSchema.safeParse(body);
    if (!parsed.success) throw invalidInput(parsed.error);
    checkToolLimits(tool, parsed.data);
    const signal = c.get('signal');
    if (!toolPool.runs(tool)) {
      const output = await withRequestSignal(signal, Promise.resolve().then(() => tool.run(parsed.data)), options.requestTimeoutMs);
      return c.json({ tool: tool.name, output });
    }
    try {
      return c.json({ tool: tool.name, output: await toolPool.run(tool, body, { signal }) });
    } catch (error) {
      // The pool stopped the run because the request timed out or its client left: say which.
      if (signal.aborted) throw abortError(signal, options.requestTimeoutMs);
      throw error;
    }
  });
}
