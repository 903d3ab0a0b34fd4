import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/types.js';
import { runMonitorChecks } from '../../src/monitor/monitor-check.js';
import { monitorOptionsSchema } from '../../src/monitor/monitor-options.js';
import { createTelemetryWriter } from '../../src/monitor/telemetry-writer.js';
import { driverCases } from '../helpers/db-drivers.js';
import { seedAsks } from './seed-telemetry.js';
import { startWebhookReceiver } from './webhook-receiver.js';

const HOUR = 3_600_000;
const cases = await driverCases('monitor_drift');

describe.each(cases)('drift alerts ($name)', (driver) => {
  let db: Db;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const start = new Date('2026-11-02T00:00:00Z');
  const referenceTo = new Date(start.getTime() + 24 * HOUR);
  const logs: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    db = await driver.open();
    await migrate(db);
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await db?.close();
  });

  const options = () =>
    monitorOptionsSchema.parse({
      windows: ['1h'],
      reference: { kind: 'pinned', from: start.toISOString(), to: referenceTo.toISOString() },
      webhookUrl: receiver.url,
      retentionDays: 3650,
    });
  const check = (now: Date) => runMonitorChecks(db, { options: options(), now, log: (line) => logs.push(line), webhook: { backoffMs: 5 } });
  const seedHour = async (endsAt: Date, shift: number, tenant = 'acme') => {
    const writer = createTelemetryWriter({ db, bufferSize: 10_000, flushIntervalMs: 60_000 });
    seedAsks(writer, { tenant, from: new Date(endsAt.getTime() - HOUR), to: endsAt, count: 200, shift });
    await writer.close();
  };

  it('a shift in query lengths and scores warns past PSI 0.1, turns critical past 0.25, resolves when traffic returns; each webhook message once', async () => {
    const writer = createTelemetryWriter({ db, bufferSize: 10_000, flushIntervalMs: 60_000 });
    seedAsks(writer, { tenant: 'acme', from: start, to: referenceTo, count: 300 });
    // A second tenant with unchanged traffic: its alerts are its own (none).
    seedAsks(writer, { tenant: 'calm', from: start, to: referenceTo, count: 300 });
    await writer.close();

    // Hour 1: a small shift (PSI ~0.15 on both signals): warnings.
    const hour1 = new Date('2026-11-05T01:00:00Z');
    await seedHour(hour1, 0.4);
    await seedHour(hour1, 0, 'calm');
    const first = await check(hour1);
    expect(first.tenants).toEqual(['acme', 'calm']);
    expect(first.opened.map((a) => [a.tenant, a.signal, a.severity]).sort()).toEqual([
      ['acme', 'query_length', 'warning'],
      ['acme', 'top_score', 'warning'],
    ]);
    const lengthAlert = first.opened.find((a) => a.signal === 'query_length')!;
    expect(lengthAlert.value).toBeGreaterThan(0.1);
    expect(lengthAlert.value).toBeLessThanOrEqual(0.25);
    expect(lengthAlert.response).toContain('Investigate cause, monitor performance');
    expect(first.webhook).toEqual({ sent: 2, failed: 0 });
    // The same condition on the next run: nothing new is sent.
    const again = await check(new Date(hour1.getTime() + 60_000));
    expect(again.opened).toEqual([]);
    expect(again.webhook).toEqual({ sent: 0, failed: 0 });

    // Hour 2: a larger shift (PSI ~0.6): both escalate to critical, sent once (the receiver fails the first try).
    const hour2 = new Date(hour1.getTime() + HOUR);
    await seedHour(hour2, 0.8);
    receiver.failNext(1);
    const second = await check(hour2);
    expect(second.escalated.map((a) => [a.signal, a.severity]).sort()).toEqual([
      ['query_length', 'critical'],
      ['top_score', 'critical'],
    ]);
    expect(second.escalated[0].value).toBeGreaterThan(0.25);
    expect(second.escalated[0].response).toContain('Retrain on recent data within 24h');
    expect(second.webhook).toEqual({ sent: 2, failed: 0 });
    await check(new Date(hour2.getTime() + 60_000));

    // Hour 3: traffic as in the reference: both resolve.
    const hour3 = new Date(hour2.getTime() + HOUR);
    await seedHour(hour3, 0);
    const third = await check(hour3);
    expect(third.resolved.map((a) => a.signal).sort()).toEqual(['query_length', 'top_score']);
    expect(third.open).toEqual([]);
    await check(new Date(hour3.getTime() + 60_000));

    const received = receiver.messages.map((m) => `${m.event}:${m.alert.tenant}:${m.alert.signal}:${m.alert.severity}`);
    expect(received.sort()).toEqual(
      [
        'opened:acme:query_length:warning',
        'opened:acme:top_score:warning',
        'escalated:acme:query_length:critical',
        'escalated:acme:top_score:critical',
        'resolved:acme:query_length:critical',
        'resolved:acme:top_score:critical',
      ].sort(),
    );
    expect(logs.filter((line) => line.msg === 'monitor alert opened')).toHaveLength(2);
  });

  it('an error rate above 1% opens a critical alert with its runbook response, and a webhook that never answers is retried on the next check', async () => {
    const hour = new Date('2026-11-06T01:00:00Z');
    const writer = createTelemetryWriter({ db, bufferSize: 10_000, flushIntervalMs: 60_000 });
    // 4 errors in 200 requests: 2%.
    seedAsks(writer, { tenant: 'flaky', from: new Date(hour.getTime() - HOUR), to: hour, count: 200, status: (i) => (i % 50 === 0 ? 500 : 200) });
    await writer.close();
    receiver.failNext(100);
    const result = await check(hour);
    const alert = result.opened.find((a) => a.tenant === 'flaky')!;
    expect(alert).toMatchObject({ kind: 'error-rate', severity: 'critical', value: 0.02, threshold: 0.01 });
    expect(alert.response).toContain('roll it back');
    expect(result.webhook?.failed).toBeGreaterThan(0);
    receiver.failNext(0);
    const retried = await check(new Date(hour.getTime() + 60_000));
    expect(retried.webhook?.sent).toBeGreaterThan(0);
    expect(receiver.messages.filter((m) => m.alert.tenant === 'flaky' && m.event === 'opened')).toHaveLength(1);
  });
});
