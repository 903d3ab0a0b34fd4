import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { requestIdOf } from '../../src/app/request-id.js';
import { legTimings } from '../../src/app/retrieve.js';
import { doc } from '../helpers/whole-document-chunker.js';

const ledgerRows = async (gw: Groundwork, id: string) => (await gw.db.query<{ n: number }>('SELECT count(*)::int AS n FROM cost_ledger WHERE request_id = $1', [id])).rows[0].n;

describe('the ask use case, stage by stage', () => {
  let gw: Groundwork;
  beforeAll(async () => {
    gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'uc' }, useEnvironment: false });
    await gw.ingest([
      { document: doc('leave.md', '# Leave\n\nEmployees get 30 days of paid leave per year. Unused leave expires in March.', { title: 'Leave policy', format: 'markdown' }) },
      { document: doc('bikes.md', '# Bikes\n\nThe office has twelve bicycle racks in the basement garage.', { title: 'Facilities', format: 'markdown' }) },
    ]);
  });
  afterAll(async () => gw.close());

  it('times every stage of a computed answer and names its ledger row and cache entry with the request id', async () => {
    const result = await gw.ask({ question: 'How many days of paid leave do employees get?', requestId: 'uc-0001' });
    expect(result.requestId).toBe('uc-0001');
    expect(result.refused).toBe(false);
    const t = result.timings;
    expect(t.retrieveMs).toBeGreaterThan(0);
    expect(t.generationMs).toBeGreaterThan(0);
    expect(t.decisionMs).toBeGreaterThanOrEqual(0);
    expect(Object.keys(t.legsMs).length).toBeGreaterThan(0);
    expect(t.totalMs).toBeGreaterThanOrEqual(t.retrieveMs + t.decisionMs + t.generationMs);
    expect(t.cacheMs).toBeGreaterThanOrEqual(0);
    expect(await ledgerRows(gw, 'uc-0001')).toBe(1);
    const entry = await gw.db.query<{ metadata: { requestId?: string } }>("SELECT metadata FROM cache_entries WHERE tenant = 'uc'");
    expect(entry.rows.map((r) => r.metadata.requestId)).toContain('uc-0001');
    // The repeat is a hit: only the cache stage ran, at no cost, under the new id.
    const hit = await gw.ask({ question: 'How many days of paid leave do employees get?', requestId: 'uc-0002' });
    expect(hit).toMatchObject({ requestId: 'uc-0002', costUsd: 0, cache: { hit: true } });
    expect(hit.timings).toMatchObject({ retrieveMs: 0, generationMs: 0, decisionMs: 0 });
    expect(hit.timings.cacheMs).toBe(hit.timings.totalMs);
    expect(await ledgerRows(gw, 'uc-0002')).toBe(0);
  });

  it('refuses before any model is chosen: no router call, no ledger row', async () => {
    const refused = await gw.ask({ question: 'What is the helicopter parking fee on the roof?', requestId: 'uc-0003' });
    expect(refused.refused).toBe(true);
    expect(refused.route.steps).toEqual([]);
    expect(refused.timings.generationMs).toBe(0);
    expect(await ledgerRows(gw, 'uc-0003')).toBe(0);
  });

  it('streams on the same path: a computed stream is stored in the cache, and ask() then serves it', async () => {
    const events = [];
    for await (const event of gw.askStream({ question: 'Where are the bicycle racks?', requestId: 'uc-0004' })) events.push(event);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', refused: false, requestId: 'uc-0004', cache: { hit: false } });
    expect(await ledgerRows(gw, 'uc-0004')).toBe(1);
    const plain = await gw.ask({ question: 'Where are the bicycle racks?', requestId: 'uc-0005' });
    expect(plain.cache.hit).toBe(true);
    expect(plain.answer).toBe((done as { answer: string }).answer);
    const replayed = [];
    for await (const event of gw.askStream({ question: 'Where are the bicycle racks?', requestId: 'uc-0006' })) replayed.push(event);
    expect(replayed.map((e) => e.type).slice(-3)).toEqual(['citations', 'usage', 'done']);
    expect(replayed.at(-1)).toMatchObject({ requestId: 'uc-0006', cache: { hit: true }, costUsd: 0 });
  });

  it('deletes a document through the use case: gone from retrieval and from the cache, another tenant cannot', async () => {
    await gw.ingest([{ document: doc('parking.md', 'Visitors park on level two of the garage.', { title: 'Parking' }) }]);
    await gw.ask({ question: 'Where do visitors park?' });
    const listed = await gw.listDocuments({ limit: 10 });
    const parking = listed.documents.find((d) => d.externalId === 'parking.md')!;
    await expect(gw.deleteDocument('someone-else', parking.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const removed = await gw.deleteDocument(undefined, parking.id);
    expect(removed).toMatchObject({ deleted: parking.id, tenant: 'uc' });
    const cached = await gw.db.query<{ n: number }>("SELECT count(*)::int AS n FROM cache_entries WHERE tenant = 'uc' AND question ILIKE '%visitors park%'");
    expect(cached.rows[0].n).toBe(0);
    const after = await gw.ask({ question: 'Where do visitors park?' });
    expect(after.citations.map((c) => c.externalId)).not.toContain('parking.md');
    expect(await gw.countDocuments()).toBe(2);
    expect(await gw.knownExternalIds('uc', ['leave.md', 'parking.md'])).toEqual(new Set(['leave.md']));
    expect((await gw.readDocument('uc', parking.id))).toBeUndefined();
  });
});

describe('request ids and stage timings', () => {
  it('keeps a well-formed caller id, makes one when absent, and names a malformed one', () => {
    expect(requestIdOf('req-1:a.b')).toBe('req-1:a.b');
    expect(requestIdOf(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => requestIdOf('bad id\n')).toThrow(/requestId/);
    expect(() => requestIdOf('x'.repeat(129))).toThrow(/requestId/);
  });

  it('reads leg timings from either shape the retriever reports', () => {
    expect(legTimings({ totalMs: 5, legsMs: { sparse: 2, dense: 3 }, rerankMs: 1 } as never)).toEqual({ legsMs: { sparse: 2, dense: 3 }, rerankMs: 1 });
    expect(legTimings({ totalMs: 5, sparseMs: 2, embedMs: 1 } as never)).toEqual({ legsMs: { sparseMs: 2, embedMs: 1 }, rerankMs: 0 });
  });
});
