import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Groundwork } from '../../src/groundwork.js';
import { createApp } from '../../src/server/create-app.js';
import { driverCases } from '../helpers/db-drivers.js';
import { corpusGroundwork, readJson, tenantKeys } from './server-fixtures.js';

const drivers = await driverCases('feedback_route');

describe.each(drivers)('POST /v1/feedback on $name', (driver) => {
  let gw: Groundwork;
  let app: ReturnType<typeof createApp>;
  let keys: Awaited<ReturnType<typeof tenantKeys>>;
  beforeAll(async () => {
    const db = await driver.open();
    await migrate(db);
    gw = await corpusGroundwork({ db });
    app = createApp(gw, { log: false });
    keys = await tenantKeys(gw);
  });
  afterAll(async () => {
    await gw?.close();
  });

  const post = (body: unknown, authorization = keys.acme) =>
    app.request('/v1/feedback', { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const rows = async (requestId: string) =>
    (await gw.db.query<{ tenant: string; rating: number; correct_answer: string | null }>('SELECT tenant, rating, correct_answer FROM feedback WHERE request_id = $1 ORDER BY tenant', [requestId])).rows;

  it('stores a rating of an answer by its request id (201), in the key\'s tenant', async () => {
    const ask = await app.request('/v1/ask', { method: 'POST', headers: { authorization: keys.acme, 'content-type': 'application/json' }, body: JSON.stringify({ question: 'How long is the drill warranty?' }) });
    expect(ask.status).toBe(200);
    const requestId = ask.headers.get('x-request-id')!;
    expect(requestId).toMatch(/\S/);
    const res = await post({ requestId, rating: 'up' });
    expect(res.status).toBe(201);
    const body = await readJson(res);
    expect(body).toEqual({ id: expect.any(Number), requestId, rating: 'up' });
    expect(await rows(requestId)).toEqual([{ tenant: 'acme', rating: 1, correct_answer: null }]);
  });

  it('a second rating of the same request replaces the first, correction included (200, same id)', async () => {
    const first = await readJson(await post({ requestId: 'req-replace-1', rating: 'up' }));
    const res = await post({ requestId: 'req-replace-1', rating: 'down', correctAnswer: 'Two years, batteries one year.' });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toEqual({ id: first.id, requestId: 'req-replace-1', rating: 'down', correctAnswer: 'Two years, batteries one year.' });
    expect(await rows('req-replace-1')).toEqual([{ tenant: 'acme', rating: -1, correct_answer: 'Two years, batteries one year.' }]);
    // Rated again without a correction: the correction goes with the rating it belonged to.
    expect((await post({ requestId: 'req-replace-1', rating: 'up' })).status).toBe(200);
    expect(await rows('req-replace-1')).toEqual([{ tenant: 'acme', rating: 1, correct_answer: null }]);
  });

  it('tenants never share a label: the same request id in another tenant is another row', async () => {
    expect((await post({ requestId: 'req-shared', rating: 'up' })).status).toBe(201);
    expect((await post({ requestId: 'req-shared', rating: 'down' }, keys.globex)).status).toBe(201);
    expect(await rows('req-shared')).toEqual([
      { tenant: 'acme', rating: 1, correct_answer: null },
      { tenant: 'globex', rating: -1, correct_answer: null },
    ]);
  });

  it('rejects bad input naming the field, another tenant (403) and a missing key (401)', async () => {
    const bad = async (body: unknown, field: string) => {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = (await readJson(res)).error;
      expect(error.code).toBe('INPUT');
      expect(error.details.fields.map((f: { field: string }) => f.field)).toContain(field);
    };
    await bad({ requestId: 'r1', rating: 'meh' }, 'rating');
    await bad({ requestId: 'r1', rating: 1 }, 'rating');
    await bad({ rating: 'up' }, 'requestId');
    await bad({ requestId: 'has spaces', rating: 'up' }, 'requestId');
    await bad({ requestId: 'x'.repeat(256), rating: 'up' }, 'requestId');
    await bad({ requestId: 'r1', rating: 'up', correctAnswer: '   ' }, 'correctAnswer');
    await bad({ requestId: 'r1', rating: 'up', extra: true }, '(body)');
    const other = await post({ requestId: 'r1', rating: 'up', tenant: 'globex' });
    expect(other.status).toBe(403);
    const anonymous = await app.request('/v1/feedback', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId: 'r1', rating: 'up' }) });
    expect(anonymous.status).toBe(401);
    expect(await rows('r1')).toEqual([]);
  });
});
