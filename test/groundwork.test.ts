import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../src/groundwork.js';
import { doc } from './helpers/whole-document-chunker.js';

describe('createGroundwork: ask through router, ledger and cache', () => {
  let gw: Groundwork;
  const corpus = [
    doc('leave.md', '# Leave\n\nEmployees get 30 days of paid leave per year. Unused leave expires in March.', { title: 'Leave policy', format: 'markdown' }),
    doc('bikes.md', '# Bikes\n\nThe office has twelve bicycle racks in the basement garage.', { title: 'Facilities', format: 'markdown' }),
  ];
  beforeAll(async () => {
    gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 't' }, useEnvironment: false });
    await gw.ingest(corpus.map((document) => ({ document })));
  });
  afterAll(async () => gw.close());

  it('answers with a citation, records the call in the cost ledger, and serves the repeat from the exact cache', async () => {
    const first = await gw.ask({ question: 'How many days of paid leave do employees get?' });
    expect(first.refused).toBe(false);
    expect(first.answer).toMatch(/30 days/);
    expect(first.citations[0].externalId).toBe('leave.md');
    expect(first.cache.hit).toBe(false);
    const ledger = await gw.db.query<{ n: number }>("SELECT count(*)::int AS n FROM cost_ledger WHERE tenant = 't'");
    expect(ledger.rows[0].n).toBe(1);
    const second = await gw.ask({ question: 'How many days of paid leave do employees get?' });
    expect(second.cache).toEqual({ hit: true, layer: 'exact', similarity: 1 });
    expect(second.answer).toBe(first.answer);
  });

  it('never serves an answer whose cited document was re-ingested', async () => {
    await gw.ingest([{ document: doc('leave.md', '# Leave\n\nEmployees get 25 days of paid leave per year.', { title: 'Leave policy', format: 'markdown' }) }]);
    const after = await gw.ask({ question: 'How many days of paid leave do employees get?' });
    expect(after.cache.hit).toBe(false);
    expect(after.answer).toMatch(/25 days/);
  });

  it('does not cache refusals', async () => {
    const q = 'What is the helicopter parking fee on the roof?';
    const a = await gw.ask({ question: q });
    expect(a.refused).toBe(true);
    const b = await gw.ask({ question: q });
    expect(b.cache.hit).toBe(false);
  });

  it('keeps tenants apart', async () => {
    const other = await gw.ask({ question: 'How many days of paid leave do employees get?', tenant: 'someone-else' });
    expect(other.refused).toBe(true);
    expect(other.cache.hit).toBe(false);
  });
});

describe('createGroundwork: streamed answers', () => {
  it('streams sources, tokens, citations, usage, done in order and records the call in the ledger', async () => {
    const gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 's' }, useEnvironment: false });
    try {
      await gw.ingest([{ document: doc('leave.md', '# Leave\n\nEmployees get 30 days of paid leave per year.', { title: 'Leave policy', format: 'markdown' }) }]);
      const types: string[] = [];
      for await (const event of gw.askStream({ question: 'How many days of paid leave?' })) types.push(event.type);
      expect(types[0]).toBe('sources');
      expect(types.slice(-3)).toEqual(['citations', 'usage', 'done']);
      expect(types.filter((t) => t === 'token').length).toBeGreaterThan(0);
      const { rows } = await gw.db.query<{ route: string; outcome: string }>("SELECT route, outcome FROM cost_ledger WHERE tenant = 's'");
      expect(rows).toEqual([{ route: 'ask-stream', outcome: 'ok' }]);
    } finally {
      await gw.close();
    }
  });
});

describe('createGroundwork with no argument', () => {
  it('reads the configuration from the environment (here an in-memory store) instead of throwing', async () => {
    const before = process.env.GROUNDWORK_DATA_DIR;
    process.env.GROUNDWORK_DATA_DIR = 'memory://';
    try {
      const gw = await createGroundwork();
      try {
        expect(gw.db.location).toBe('memory');
        expect(gw.config.tenant).toBe('default');
      } finally {
        await gw.close();
      }
    } finally {
      if (before === undefined) delete process.env.GROUNDWORK_DATA_DIR;
      else process.env.GROUNDWORK_DATA_DIR = before;
    }
  });
});
