import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Hono } from 'hono';
import type { AppEnv, RouteDeps } from '../app-env.js';
import { resolveTenant } from '../resolve-tenant.js';
import { packageVersion } from '../routes/openapi-route.js';
import { createMcpServer } from './create-mcp-server.js';

/**
 * `/mcp`: MCP over Streamable HTTP (stateless: one server and transport per request, JSON
 * responses), behind the same auth, limits and timeouts as /v1. Every call acts on the API key's
 * tenant; with auth off, on the named or configured tenant.
 */
export function registerMcpRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork } = deps;
  const version = packageVersion();
  app.all('/mcp', async (c) => {
    // Stateless: no server-initiated stream (GET) and no session to end (DELETE). The SDK client
    // takes a 405 on GET as "no stream offered".
    if (c.req.method !== 'POST') {
      c.header('Allow', 'POST');
      return c.json({ jsonrpc: '2.0', error: { code: -32000, message: 'method not allowed: this MCP endpoint is stateless; send JSON-RPC requests with POST' }, id: null }, 405);
    }
    const principal = c.get('principal');
    const server = createMcpServer({
      groundwork,
      options: groundwork.config.mcp,
      resolveTenant: (requested) => resolveTenant(principal, requested, groundwork.config.tenant),
      signal: c.get('signal'),
      requestId: c.get('requestId'),
      version,
      // Set by the registry's arm middleware when the server serves arms (the same as /v1/ask's).
      arm: c.get('requestArm'),
    });
    // Stateless: no session id, so any server process behind a load balancer can answer any call.
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
}
