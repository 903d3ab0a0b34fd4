import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../src/groundwork.js';
import { recordingChatModel } from './server/server-fixtures.js';
import { doc } from './helpers/whole-document-chunker.js';

const PRICED = { id: 'recording:test', inputPerMillion: 1000, outputPerMillion: 2000, cachedInputPerMillion: 500, contextWindow: 16_000, tier: 'small' as const };

/** Groundwork with a priced recording model and a per-request budget of `perRequestUsd`. */
async function budgeted(perRequestUsd: number): Promise<{ gw: Groundwork; calls: unknown[] }> {
  const model = recordingChatModel('The drill has a two year warranty [1].');
  const gw = await createGroundwork({
    config: { dataDir: 'memory://', tenant: 't', generate: { refusalThreshold: 0 }, router: { models: [PRICED], budgets: { perRequestUsd } }, cache: { enabled: false } },
    useEnvironment: false,
    chatModel: model,
  });
  await gw.ingest([{ document: doc('warranty.md', 'The cordless drill has a two year warranty.', { title: 'Drill Warranty' }) }]);
  return { gw, calls: model.calls };
}

describe('a streamed answer goes through the router like a plain one', () => {
  let tight: Awaited<ReturnType<typeof budgeted>>;
  let loose: Awaited<ReturnType<typeof budgeted>>;
  beforeAll(async () => {
    // The reservation is the whole context and output budget at $1,000/$2,000 per million tokens.
    tight = await budgeted(0.0001);
    loose = await budgeted(1_000);
  });
  afterAll(async () => {
    await tight.gw.close();
    await loose.gw.close();
  });

  it('a budget that refuses ask() refuses the stream before its first event, and calls no model', async () => {
    await expect(tight.gw.ask({ question: 'How long is the drill warranty?' })).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    const events: unknown[] = [];
    await expect(
      (async () => {
        for await (const event of tight.gw.askStream({ question: 'How long is the drill warranty?' })) events.push(event);
      })(),
    ).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED' });
    expect(events).toEqual([]);
    expect(tight.calls).toHaveLength(0);
  });

  it('within budget the stream is written to the ledger once, under its request id, with its cost', async () => {
    const events: Array<{ type: string }> = [];
    for await (const event of loose.gw.askStream({ question: 'How long is the drill warranty?', requestId: 'stream-ledger-1' })) events.push(event);
    expect(events.at(-1)?.type).toBe('done');
    const { rows } = await loose.gw.db.query<{ route: string; model: string; cost_usd: number; outcome: string }>(
      'SELECT route, model, cost_usd::float8 AS cost_usd, outcome FROM cost_ledger WHERE request_id = $1',
      ['stream-ledger-1'],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ route: 'ask-stream', model: 'recording:test', outcome: 'ok' });
    expect(rows[0].cost_usd).toBeGreaterThan(0);
  });
});
