import type { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { tenantOption } from '../options.js';

/** Test hook: the transport's streams (default: this process's stdin and stdout). */
export interface McpCommandDeps {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/**
 * `groundwork mcp [--tenant T]`: groundwork as an MCP server over stdio, for assistants and IDEs
 * that start it as a subprocess. stdout carries only the protocol; notes go to stderr. Every call
 * acts on `--tenant` (default from config) unless it names another tenant. It runs until the
 * client closes stdin.
 */
export function registerMcp(program: Command, context: CommandContext, deps: McpCommandDeps = {}): void {
  program
    .command('mcp')
    .description('serve MCP (Model Context Protocol) over stdio: tools search, ask, list_documents, ingest; documents as resources')
    .option('--tenant <tenant>', 'tenant the tools act on (default from config)', tenantOption)
    .action(async (flags: { tenant?: string }) => {
      const [{ StdioServerTransport }, { createMcpServer }, { packageVersion }, { assertTenantName }] = await Promise.all([
        import('@modelcontextprotocol/sdk/server/stdio.js'),
        import('../../server/mcp/create-mcp-server.js'),
        import('../../server/routes/openapi-route.js'),
        import('../../config/tenant-name.js'),
      ]);
      const groundwork = await context.open();
      for (const notice of groundwork.notices) context.io.stderr(`note: ${notice}\n`);
      const defaultTenant = flags.tenant ?? groundwork.config.tenant;
      // The local user owns the data directory: a call may name any tenant, as `ask --tenant` may.
      const server = createMcpServer({ groundwork, options: groundwork.config.mcp, resolveTenant: (requested) => assertTenantName(requested ?? defaultTenant), version: packageVersion() });
      const transport = new StdioServerTransport(deps.stdin as never, deps.stdout as never);
      const closed = new Promise<void>((resolve) => {
        transport.onclose = () => resolve();
        (deps.stdin ?? process.stdin).once('end', () => resolve());
      });
      try {
        await server.connect(transport);
        context.io.stderr(`groundwork MCP server on stdio (tenant ${defaultTenant}); close stdin to stop\n`);
        await closed;
      } finally {
        await server.close().catch(() => {});
        await groundwork.close();
      }
    });
}
