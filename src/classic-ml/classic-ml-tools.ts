import { InputError } from '../errors.js';
import type { Tool } from './tool.js';
import { checkToolLimits } from './tool-limits.js';
import type { ToolRunContext } from './tool-run-context.js';
import { dataQualityTool, featuresTool, leakageCheckTool } from './tools/data-tools.js';
import { abSampleSizeTool, abTestTool } from './tools/experiment-tools.js';
import { modelCardTool, problemBriefTool, rubricTool } from './tools/governance-tools.js';
import { classificationMetricsTool, regressionMetricsTool } from './tools/metric-tools.js';
import { anomaliesTool, predictTool, trainTool } from './tools/model-tools.js';
import { driftTool, fairnessTool } from './tools/monitoring-tools.js';

/** Every classical-ML tool, in the methodology's phase order. */
export const classicMlTools: readonly Tool[] = [
  problemBriefTool,
  dataQualityTool,
  leakageCheckTool,
  featuresTool,
  trainTool,
  predictTool,
  anomaliesTool,
  classificationMetricsTool,
  regressionMetricsTool,
  fairnessTool,
  driftTool,
  abSampleSizeTool,
  abTestTool,
  modelCardTool,
  rubricTool,
] as Tool[];

/** The tool with this name; throws InputError listing the known names otherwise. */
export function findTool(name: string): Tool {
  const tool = classicMlTools.find((t) => t.name === name);
  if (!tool) throw new InputError('tool', `unknown tool ${JSON.stringify(name)}; known: ${classicMlTools.map((t) => t.name).join(', ')}`);
  return tool;
}

/**
 * Validates raw JSON input against the tool's schema (an InputError names the first bad path, e.g.
 * "yScore.3: expected number") and its size caps (tool-limits.ts), without running it.
 * @example const input = validateToolInput(findTool('drift'), body) // throws InputError
 */
export function validateToolInput(tool: Tool, input: unknown): unknown {
  const parsed = tool.inputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(issue?.path.length ? issue.path.join('.') : 'input', issue?.message ?? 'invalid input', { tool: tool.name, issues: parsed.error.issues.slice(0, 10) });
  }
  checkToolLimits(tool, parsed.data);
  return parsed.data;
}

/**
 * Validates raw JSON input (validateToolInput), runs the tool in this thread and checks its output
 * against the output schema. To run off the event loop with a time and memory limit, use a ToolPool.
 * @example await runTool(findTool('drift'), { reference: [1, 2, 3], current: [2, 3, 4], method: 'ks' })
 */
export async function runTool(tool: Tool, input: unknown, context: ToolRunContext = {}): Promise<unknown> {
  const parsed = validateToolInput(tool, input);
  const output = await tool.run(parsed, context);
  // A failed output check is our bug, not the caller's: it surfaces as a plain Error (HTTP 500).
  return tool.outputSchema.parse(output);
}
