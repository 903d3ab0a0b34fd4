import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool, type Tool } from '../../src/classic-ml/tool.js';
import { InputError } from '../../src/errors.js';
import type { ChatModel, GenerateRequest, GenerateResult } from '../../src/models/types.js';
import { classifyRequest, createRequestClassifier } from '../../src/router/request-classifier.js';
import { routeToTool } from '../../src/router/route-to-tool.js';

/** A tool that records every input it receives. */
function recordingTool(name: string, inputSchema: z.ZodType<Record<string, unknown>>): Tool & { calls: unknown[] } {
  const calls: unknown[] = [];
  const tool = defineTool({
    name,
    description: `test tool ${name}`,
    inputSchema,
    outputSchema: z.object({ ok: z.boolean() }),
    run(input) {
      calls.push(input);
      return { ok: true };
    },
  });
  return Object.assign(tool, { calls });
}

const sampleSize = recordingTool('ab-sample-size', z.object({ baselineRate: z.number().gt(0).lt(1), minimumDetectableEffect: z.number().positive(), power: z.number().default(0.8) }));
const abTest = recordingTool('ab-test', z.object({ control: z.object({ conversions: z.number().int(), visitors: z.number().int() }), treatment: z.object({ conversions: z.number().int(), visitors: z.number().int() }) }));
const drift = recordingTool('drift', z.object({ reference: z.array(z.number()).min(2), current: z.array(z.number()).min(2) }));
const tools = [sampleSize, abTest, drift];

/** A tool-calling model that answers with scripted tool calls and records its requests. */
function scriptedToolModel(reply: Partial<GenerateResult>): ChatModel & { requests: GenerateRequest[] } {
  const requests: GenerateRequest[] = [];
  return {
    id: 'openai:gpt-4o-mini',
    provider: 'openai',
    contextWindow: 128_000,
    supportsTools: true,
    requests,
    async generate(request) {
      requests.push(request);
      return { text: '', model: 'openai:gpt-4o-mini', usage: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 0 }, ...reply };
    },
    stream: () => {
      throw new Error('not used');
    },
  };
}

describe('classifyRequest (local classifier)', () => {
  it('routes held-out requests to documents, the right tool, or out of scope', () => {
    const cases: Array<[string, string]> = [
      ['What is the sick leave policy?', 'documents'],
      ['How do I update the firmware on the docking station?', 'documents'],
      ['How many users per arm do we need to detect a 3% lift?', 'tool:ab-sample-size'],
      ['Is variant B significantly better than control? 40 of 1000 vs 55 of 1000', 'tool:ab-test'],
      ['Has the age feature drifted compared to training?', 'tool:drift'],
      ['Is the credit model biased against older applicants?', 'tool:fairness'],
      ['Find the outliers in these card payments', 'tool:anomalies'],
      ['Write a haiku about cats', 'out-of-scope'],
      ['What is the RMSE of my demand forecast?', 'tool:regression-metrics'],
      ['Compute the F1 score and confusion matrix of the spam classifier', 'tool:classification-metrics'],
      ['Train a classifier on this churn csv', 'tool:train'],
    ];
    for (const [text, expected] of cases) {
      const c = classifyRequest(text);
      expect(c.kind === 'tool' ? `tool:${c.tool}` : c.kind, text).toBe(expected);
      expect(c.confidence, text).toBeGreaterThan(0.3); // well above uniform over the 17 labels (0.06)
    }
  });

  it('only knows the tools it is given', () => {
    const classifier = createRequestClassifier({ tools: ['ab-test'] });
    expect(classifier.labels.filter((l) => l.startsWith('tool:'))).toEqual(['tool:ab-test']);
  });
});

describe('routeToTool', () => {
  it('tool calling: sends the request to the named tool with validated arguments', async () => {
    const model = scriptedToolModel({ toolCalls: [{ name: 'ab-sample-size', arguments: '{"baselineRate":0.1,"minimumDetectableEffect":0.02}' }] });
    const before = sampleSize.calls.length;
    const result = await routeToTool({ text: 'How many users per arm for a 2 point lift on 10%?', tools, model, minConfidence: 0.5 });
    expect(result).toMatchObject({ kind: 'tool', via: 'tool-calling', tool: 'ab-sample-size', output: { ok: true } });
    expect(sampleSize.calls.slice(before)).toEqual([{ baselineRate: 0.1, minimumDetectableEffect: 0.02, power: 0.8 }]);
    const definitions = model.requests[0].tools!;
    expect(definitions.map((d) => d.name)).toEqual(['ab-sample-size', 'ab-test', 'drift']);
    expect(definitions[0].parameters).toMatchObject({ type: 'object', properties: { baselineRate: { type: 'number' } } });
  });

  it('malformed tool arguments never reach the tool', async () => {
    const counts = () => tools.map((t) => t.calls.length);
    const before = counts();
    const malformed = [
      '{"baselineRate": 1.5, "minimumDetectableEffect": 0.02}',
      '{"baselineRate": "ten percent"}',
      '{not json',
      '[]',
    ];
    for (const args of malformed) {
      const model = scriptedToolModel({ toolCalls: [{ name: 'ab-sample-size', arguments: args }] });
      const error = await routeToTool({ text: 'sample size?', tools, model, minConfidence: 0.5 }).catch((e) => e);
      expect(error, args).toBeInstanceOf(InputError);
      expect((error as InputError).field).toBe('tool arguments');
    }
    const unknown = scriptedToolModel({ toolCalls: [{ name: 'rm-rf', arguments: '{}' }] });
    await expect(routeToTool({ text: 'x', tools, model: unknown, minConfidence: 0.5 })).rejects.toThrow(/rm-rf/);
    expect(counts()).toEqual(before);
  });

  it('tool calling: no tool call means the documents (or out of scope when the model says so)', async () => {
    expect(await routeToTool({ text: 'leave policy?', tools, model: scriptedToolModel({ text: 'DOCUMENTS' }), minConfidence: 0.5 })).toMatchObject({ kind: 'documents' });
    expect(await routeToTool({ text: 'a poem', tools, model: scriptedToolModel({ text: 'OUT_OF_SCOPE' }), minConfidence: 0.5 })).toMatchObject({ kind: 'out-of-scope' });
  });

  it('local classifier: takes the input from the request and validates it the same way', async () => {
    const before = abTest.calls.length;
    const input = { control: { conversions: 40, visitors: 1000 }, treatment: { conversions: 55, visitors: 1000 } };
    const result = await routeToTool({ text: 'Is the difference between variant A and variant B significant?', tools, input, minConfidence: 0.5 });
    expect(result).toMatchObject({ kind: 'tool', via: 'local-classifier', tool: 'ab-test' });
    expect(abTest.calls.slice(before)).toEqual([input]);
    await expect(routeToTool({ text: 'Is the difference between variant A and variant B significant?', tools, input: { control: 3 }, minConfidence: 0.5 })).rejects.toMatchObject({ field: 'tool arguments' });
    await expect(routeToTool({ text: 'Is the difference between variant A and variant B significant?', tools, minConfidence: 0.5 })).rejects.toMatchObject({ field: 'input' });
    expect(abTest.calls.length).toBe(before + 1);
    expect(await routeToTool({ text: 'What is the sick leave policy?', tools, minConfidence: 0.5 })).toMatchObject({ kind: 'documents', via: 'local-classifier' });
    expect(await routeToTool({ text: 'Tell me a joke about robots', tools, minConfidence: 0.5 })).toMatchObject({ kind: 'out-of-scope' });
  });
});

describe('routeToTool with the shipped classic-ML tools', () => {
  it('describes every tool to the model and runs ab-sample-size on validated arguments', async () => {
    const { classicMlTools } = await import('../../src/classic-ml/classic-ml-tools.js');
    const definitions = (await import('../../src/router/route-to-tool.js')).toolDefinitions(classicMlTools);
    expect(definitions).toHaveLength(classicMlTools.length);
    for (const d of definitions) expect(d.parameters, d.name).toBeTypeOf('object');
    // every shipped tool is a label the local classifier can route to
    const labels = createRequestClassifier().labels;
    for (const tool of classicMlTools.filter((t) => !['problem-brief', 'rubric'].includes(t.name))) expect(labels, tool.name).toContain(`tool:${tool.name}`);

    const model = scriptedToolModel({ toolCalls: [{ name: 'ab-sample-size', arguments: '{"baselineRate":0.1,"minDetectableEffect":0.02}' }] });
    const result = await routeToTool({ text: 'How many users per group to detect 2 points on a 10% baseline?', tools: classicMlTools, model, minConfidence: 0.5 });
    expect(result).toMatchObject({ kind: 'tool', tool: 'ab-sample-size', output: { method: 'two-proportions' } });
    expect((result as { output: { perGroup: number } }).output.perGroup).toBeGreaterThan(3000);
  });
});
