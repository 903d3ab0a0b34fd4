import { z } from 'zod';

/**
 * Options of groundwork's MCP server (`mcp` key of the config; `groundwork mcp` and `/mcp` on
 * `serve`). The `ingest` tool reads files on the server's machine, so it is off until
 * `allowIngestPaths` names the folders it may read (a path outside them is refused).
 */
export const mcpOptionsSchema = z
  .object({
    /** Folders whose files the `ingest` tool may read; empty (the default) turns the tool's paths off. */
    allowIngestPaths: z.array(z.string().min(1)).max(100).default([]),
    /** Documents listed as resources (resources/list), newest id last; the rest are still readable by URI. */
    maxListedResources: z.number().int().min(0).max(10_000).default(500),
  })
  .strict();

export type McpOptions = z.infer<typeof mcpOptionsSchema>;
export type McpOptionsInput = z.input<typeof mcpOptionsSchema>;
