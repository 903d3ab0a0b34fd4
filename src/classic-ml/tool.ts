import type { z } from 'zod';
import type { ToolRunContext } from './tool-run-context.js';

/**
 * A classical-ML phase exposed as a tool: the CLI (`groundwork tool <name>`), the HTTP service
 * (`POST /v1/tools/:name`) and the router all call tools through this one shape.
 */
export interface Tool<I = unknown, O = unknown> {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: z.ZodType<I>;
  readonly outputSchema: z.ZodType<O>;
  /**
   * Runs on input already validated by inputSchema; throws InputError for data problems. Long
   * runs may report progress through the context.
   */
  run(input: I, context?: ToolRunContext): Promise<O> | O;
}

/** Helper that keeps the input/output types tied to the schemas. */
export function defineTool<I, O>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}
