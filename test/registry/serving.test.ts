import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createMonitor, type Monitor } from '../../src/monitor/monitor-service.js';
import { startAbTest } from '../../src/registry/ab-test.js';
import { createArmServing, type ArmServing } from '../../src/registry/arm-middleware.js';
import { assignArm } from '../../src/registry/assign-arm.js';
import type { Rollout } from '../../src/registry/rollout-store.js';
import { createApp } from '../../src/server/create-app.js';
import { FACTS, factItems } from './serving-fixtures.js';

describe('serving arms over the real HTTP app (PGlite)', { timeout: 120_000 }, () => {
  let gw: Groundwork;
  let arms: ArmServing;
  let monitor: Monitor;
  let app: ReturnType<typeof createApp>;
  let rollout: Rollout;
  let control: number;
  let treatment: number;
  beforeAll(async () => {
    gw = await createGroundwork({ config: { dataDir: 'memory://', tenant: 'acme', cache: { enabled: false } }, useEnvironment: false });
    await gw.ingest(factItems());
    arms = createArmServing(gw, { refreshMs: 0, log: () => undefined, keepQuestions: true });
    monitor = createMonitor({ db: gw.db, options: gw.config.monitor, log: () => undefined });
    app = createApp(gw, { server: { auth: false }, log: false, arms, monitor });
    // The control refuses everything (a threshold no retrieval reaches); the treatment answers.
    control = (await arms.registry.register({ tenant: 'acme', kind: 'answer-config', name: 'refuse-all', version: '1.0.0', overrides: { generate: { refusalThreshold: 1 } }, codeVersion: 'test' })).id;
    treatment = (await arms.registry.register({ tenant: 'acme', kind: 'answer-config', name: 'answer', version: '1.1.0', overrides: { generate: { refusalThreshold: 0 } }, codeVersion: 'test' })).id;
    rollout = await startAbTest(arms.registry, { tenant: 'acme', controlEntryId: control, treatmentEntryId: treatment, treatmentShare: 0.5, settings: { baselineRate: 0.5, minimumDetectableEffect: 0.1 } });
  });
  afterAll(async () => {
    await monitor?.close();
    await arms?.close();
    await gw?.close();
  });

  const ask = (question: string, headers: Record<string, string> = {}, body: Record<string, unknown> = {}) =>
    app.request('/v1/ask', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ question, ...body }) });

  it('answers each user with its arm\'s configuration, sticky, and telemetry records the arm', async () => {
    const seen = new Map<string, boolean>();
    for (let user = 0; user < 24; user += 1) {
      const unit = `user-${user}`;
      const expected = assignArm(rollout, 'acme', unit)!;
      for (const repeat of [0, 1]) {
        const res = await ask(FACTS[user % FACTS.length].question, { 'x-groundwork-user': unit });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { refused: boolean };
        // The control refuses every question; the treatment answers these.
        expect(body.refused, `${unit} (${expected.arm}), ask ${repeat}`).toBe(!expected.treatment);
        if (repeat === 1) expect(body.refused).toBe(seen.get(unit));
        seen.set(unit, body.refused);
      }
    }
    expect(new Set(seen.values())).toEqual(new Set([true, false]));
    // Another tenant's request joins none of acme's arms.
    expect((await ask(FACTS[0].question, { 'x-groundwork-user': 'user-1' }, { tenant: 'globex' })).status).toBe(200);
    await monitor.telemetry.flush();
    const { rows } = await gw.db.query<{ tenant: string; arm: string | null; n: number }>(
      `SELECT tenant, arm, count(*)::int AS n FROM telemetry WHERE route = 'ask' GROUP BY tenant, arm ORDER BY tenant, arm`,
    );
    const armed = rows.filter((r) => r.arm !== null);
    expect(armed.map((r) => [r.tenant, r.arm]).sort()).toEqual([['acme', String(control)], ['acme', String(treatment)]].sort());
    expect(armed.reduce((sum, r) => sum + r.n, 0)).toBe(48);
    // The globex request has no arm (which tenant its row names is the telemetry layer's business).
    expect(rows.filter((r) => r.arm === null).reduce((sum, r) => sum + r.n, 0)).toBe(1);
    const kept = await gw.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM registry_served_questions WHERE tenant = 'acme'`);
    expect(kept.rows[0].n).toBe(48);
  });

  it('a streamed ask and an MCP ask land on the same sticky arm as a plain ask, and telemetry records it per route', async () => {
    // The MCP SDK client, talking to the same in-process app (its fetch is app.request).
    const mcpAsk = async (unit: string, question: string) => {
      const client = new Client({ name: 'arm-test', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL('http://in-process/mcp'), {
        requestInit: { headers: { 'x-groundwork-user': unit } },
        fetch: async (url, init) => app.request(String(url), init as RequestInit),
      });
      await client.connect(transport);
      try {
        const result = (await client.callTool({ name: 'ask', arguments: { question } })) as { isError?: boolean; structuredContent?: { refused: boolean; requestId: string } };
        expect(result.isError, JSON.stringify(result)).toBeFalsy();
        return result.structuredContent!;
      } finally {
        await client.close();
      }
    };
    const streamAsk = async (unit: string, question: string) => {
      const res = await ask(question, { 'x-groundwork-user': unit }, { stream: true });
      expect(res.status).toBe(200);
      const text = await res.text();
      const done = text.split('\n\n').find((block) => block.includes('event: done'));
      expect(done, text).toBeDefined();
      return JSON.parse(done!.split('\n').find((line) => line.startsWith('data: '))!.slice(6)) as { refused: boolean; requestId: string };
    };
    const units = Array.from({ length: 8 }, (_, i) => `mixed-${i}`);
    const expected = new Map(units.map((unit) => [unit, assignArm(rollout, 'acme', unit)!]));
    expect(new Set([...expected.values()].map((a) => a.treatment))).toEqual(new Set([true, false]));
    const requestIds = new Map<string, string[]>();
    for (const [i, unit] of units.entries()) {
      const question = FACTS[i % FACTS.length].question;
      const plain = (await (await ask(question, { 'x-groundwork-user': unit })).json()) as { refused: boolean; requestId: string };
      const streamed = await streamAsk(unit, question);
      const mcp = await mcpAsk(unit, question);
      // The control refuses every question; the treatment answers: each path shows the same arm.
      const refuses = !expected.get(unit)!.treatment;
      expect([plain.refused, streamed.refused, mcp.refused], unit).toEqual([refuses, refuses, refuses]);
      requestIds.set(unit, [plain.requestId, streamed.requestId, mcp.requestId]);
    }
    await monitor.telemetry.flush();
    const { rows } = await gw.db.query<{ route: string; arm: string | null; n: number }>(
      `SELECT route, arm, count(*)::int AS n FROM telemetry WHERE route IN ('ask-stream', 'mcp') GROUP BY route, arm ORDER BY route, arm`,
    );
    const treated = units.filter((unit) => expected.get(unit)!.treatment).length;
    // The MCP requests that call `ask` carry the arm (the SDK client's initialize and notification POSTs resolve none).
    const byRoute = (route: string, arm: string) => rows.find((r) => r.route === route && r.arm === arm)?.n ?? 0;
    expect(byRoute('ask-stream', String(treatment))).toBe(treated);
    expect(byRoute('ask-stream', String(control))).toBe(units.length - treated);
    expect(byRoute('mcp', String(treatment))).toBe(treated);
    expect(byRoute('mcp', String(control))).toBe(units.length - treated);
    // Every path kept its question for retraining, under the request id the caller rates; answers keep their cited documents.
    const kept = await gw.db.query<{ request_id: string; refused: boolean; cited_documents: string[] }>(
      `SELECT request_id, refused, cited_documents FROM registry_served_questions WHERE tenant = 'acme' AND request_id = ANY($1::text[])`,
      [[...requestIds.values()].flat()],
    );
    expect(kept.rows).toHaveLength(units.length * 3);
    // An MCP answer's request id is its HTTP request's: the one its telemetry row (and so its arm's metrics) is keyed by.
    const mcpIds = [...requestIds.values()].map((ids) => ids[2]);
    const mcpRows = await gw.db.query<{ request_id: string; arm: string }>(`SELECT request_id, arm FROM telemetry WHERE route = 'mcp' AND request_id = ANY($1::text[])`, [mcpIds]);
    expect(mcpRows.rows.map((r) => r.request_id).sort()).toEqual([...mcpIds].sort());
    for (const row of kept.rows) expect(row.cited_documents.length > 0, row.request_id).toBe(!row.refused);
  });

  it('exposes entries and rollouts, with their events, through GET /v1/registry', async () => {
    const entry = await app.request(`/v1/registry/entries/${treatment}`);
    expect(entry.status).toBe(200);
    const described = (await entry.json()) as { entry: { id: number }; rollouts: Array<{ rollout: { id: number; kind: string }; events: Array<{ event: string }> }> };
    expect(described.entry.id).toBe(treatment);
    expect(described.rollouts[0]).toMatchObject({ rollout: { id: rollout.id, kind: 'ab' }, events: [{ event: 'start' }] });
    const list = (await (await app.request('/v1/registry/entries?kind=answer-config')).json()) as { entries: unknown[] };
    expect(list.entries).toHaveLength(2);
    expect((await app.request(`/v1/registry/entries/${treatment}?tenant=globex`)).status).toBe(404);
    const rollouts = (await (await app.request('/v1/registry/rollouts')).json()) as { rollouts: Array<{ rollout: { id: number } }> };
    expect(rollouts.rollouts.map((r) => r.rollout.id)).toEqual([rollout.id]);
    expect((await app.request('/v1/registry/entries?kind=nope')).status).toBe(400);
  });
});
