import { z } from 'zod';
import type { Tool } from '../classic-ml/tool.js';
import { GroundworkError, InputError } from '../errors.js';
import type { ChatModel, GenerateRequest, GenerateResult, ToolDefinition } from '../models/types.js';
import { classifyRequest, type RequestClassification, type RequestClassifier } from './request-classifier.js';

/** Where a request went and, for a tool, its validated input and output. */
export type ToolRouteResult =
  | { kind: 'documents'; via: 'tool-calling' | 'local-classifier'; confidence?: number }
  | { kind: 'out-of-scope'; via: 'tool-calling' | 'local-classifier'; confidence?: number }
  | { kind: 'tool'; via: 'tool-calling' | 'local-classifier'; tool: string; input: unknown; output: unknown; confidence?: number };

export interface RouteToToolArgs {
  text: string;
  tools: readonly Tool[];
  /** A model that supports tool calling; without one (or when supportsTools is false) the local classifier decides. */
  model?: ChatModel;
  /** How to call the model (default model.generate); pass a router-wrapped call to get budgets and the ledger. */
  generate?: (request: GenerateRequest) => Promise<GenerateResult>;
  /** Tool input supplied with the request (the local path's argument source; else a JSON object in the text). */
  input?: unknown;
  classifier?: RequestClassifier;
  /** Below this the local classifier's tool choice goes to the documents. */
  minConfidence: number;
  signal?: AbortSignal;
}

/** The tool list as JSON-schema tool definitions for ChatModel.generate({ tools }). */
export function toolDefinitions(tools: readonly Tool[]): ToolDefinition[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    parameters: z.toJSONSchema(tool.inputSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  }));
}

const SYSTEM_PROMPT =
  'You route requests. If the request asks for an analysis that one of the tools performs, call that tool with arguments taken from the request. ' +
  'Otherwise reply with the single word DOCUMENTS if it is a question about the team\'s documents, or OUT_OF_SCOPE.';

/**
 * Decides documents / tool / out-of-scope and runs the chosen tool. Tool arguments are parsed and
 * validated with the tool's inputSchema before it runs, and its output with outputSchema after:
 * malformed arguments raise InputError (field `tool arguments`) and the tool never runs.
 */
export async function routeToTool(args: RouteToToolArgs): Promise<ToolRouteResult> {
  const byName = new Map(args.tools.map((tool) => [tool.name, tool]));
  if (args.model?.supportsTools) {
    const generate = args.generate ?? ((request: GenerateRequest) => args.model!.generate(request));
    const result = await generate({
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: args.text },
      ],
      tools: toolDefinitions(args.tools),
      temperature: 0,
      signal: args.signal,
    });
    const call = result.toolCalls?.[0];
    if (!call) {
      if (/OUT_OF_SCOPE/.test(result.text)) return { kind: 'out-of-scope', via: 'tool-calling' };
      return { kind: 'documents', via: 'tool-calling' };
    }
    const tool = byName.get(call.name);
    if (!tool) throw new InputError('tool', `the model called "${call.name}", which is not one of ${[...byName.keys()].join(', ')}`);
    let raw: unknown;
    try {
      raw = JSON.parse(call.arguments);
    } catch (error) {
      throw new InputError('tool arguments', `${tool.name}: not valid JSON (${(error as Error).message})`);
    }
    return { kind: 'tool', via: 'tool-calling', tool: tool.name, ...(await runValidated(tool, raw)) };
  }

  const classification: RequestClassification = classifyRequest(args.text, args.classifier);
  if (classification.kind === 'out-of-scope') return { kind: 'out-of-scope', via: 'local-classifier', confidence: classification.confidence };
  if (classification.kind === 'documents' || classification.confidence < args.minConfidence) {
    return { kind: 'documents', via: 'local-classifier', confidence: classification.confidence };
  }
  const tool = byName.get(classification.tool!);
  if (!tool) return { kind: 'documents', via: 'local-classifier', confidence: classification.confidence };
  const raw = args.input !== undefined ? args.input : jsonObjectIn(args.text);
  if (raw === undefined) throw new InputError('input', `the request is for the ${tool.name} tool; send its input as JSON (see groundwork tool list)`);
  return { kind: 'tool', via: 'local-classifier', tool: tool.name, confidence: classification.confidence, ...(await runValidated(tool, raw)) };
}

async function runValidated(tool: Tool, raw: unknown): Promise<{ input: unknown; output: unknown }> {
  const input = tool.inputSchema.safeParse(raw);
  if (!input.success) {
    const problems = input.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new InputError('tool arguments', `${tool.name}: ${problems}`, { tool: tool.name });
  }
  const output = tool.outputSchema.safeParse(await tool.run(input.data));
  if (!output.success) {
    throw new GroundworkError('INTERNAL', `tool ${tool.name} returned output that does not match its outputSchema: ${output.error.issues[0]?.path.join('.')} ${output.error.issues[0]?.message}`);
  }
  return { input: input.data, output: output.data };
}

/** The first {...} block in the text that parses as a JSON object, if any. */
function jsonObjectIn(text: string): unknown {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(start, end + 1));
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}
