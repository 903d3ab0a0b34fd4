import { z } from 'zod';
import { cacheOptionsSchema } from '../cache/cache-options.js';
import { evalOptionsSchema } from '../eval/eval-options.js';
import { generateOptionsSchema } from '../generate/generate-options.js';
import { ingestOptionsSchema } from '../ingest/ingest-options.js';
import { modelsOptionsSchema } from '../models/models-options.js';
import { routerOptionsSchema } from '../router/router-options.js';
import { serverOptionsSchema } from '../server/server-options.js';
import { mcpOptionsSchema } from '../server/mcp/mcp-options.js';
import { monitorOptionsSchema } from '../monitor/monitor-options.js';
import { registryOptionsSchema } from '../registry/registry-options.js';
import { retrieveOptionsSchema } from '../retrieve/retrieve-options.js';
import { tenantNameSchema } from './tenant-name.js';

/**
 * The whole configuration. Stage sections come from each stage's own options schema so a stage
 * owns its defaults; this file only composes them.
 */
export const configSchema = z
  .object({
    /** Embedded database and models live here (GROUNDWORK_DATA_DIR). */
    dataDir: z.string().min(1).default('./.groundwork'),
    /** PostgreSQL server instead of the embedded PGlite (DATABASE_URL). */
    databaseUrl: z.string().url().optional(),
    /** Local model files (GROUNDWORK_MODELS_DIR); default <dataDir>/models. */
    modelsDir: z.string().min(1).optional(),
    /** Tenant used when a command names none (the one tenant-name rule: tenant-name.ts). */
    tenant: tenantNameSchema.default('default'),
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    ingest: ingestOptionsSchema
      .extend({
        /**
         * Documents written per transaction (each with its own savepoint on failure); the batch's
         * byte cap still bounds memory. 256, not 64: posting blocks are cut per batch, so small
         * files made ~70-chunk blocks and 4x the posting statements (bench/small-files.ts: 15,549
         * abstracts on PGlite, 24 CPU s at 256 against 28-31 at 64; 1,000 measured no better).
         */
        batchDocuments: z.number().int().min(1).max(1000).default(256),
      })
      .prefault({}),
    retrieve: retrieveOptionsSchema.prefault({}),
    generate: generateOptionsSchema.prefault({}),
    models: modelsOptionsSchema.prefault({}),
    eval: evalOptionsSchema.prefault({}),
    router: routerOptionsSchema.prefault({}),
    cache: cacheOptionsSchema.prefault({}),
    server: serverOptionsSchema.prefault({}),
    /** The MCP server (`groundwork mcp`, `/mcp` on serve): which folders its `ingest` tool may read. */
    mcp: mcpOptionsSchema.prefault({}),
    /** Telemetry, drift checks and alerts (`groundwork monitor`, recorded and checked by `serve`). */
    monitor: monitorOptionsSchema.prefault({}),
    /** Registry arms, the canary and A/B controller and retraining from feedback (`groundwork registry`, run by `serve`). */
    registry: registryOptionsSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
