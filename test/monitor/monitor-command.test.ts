import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { openDb } from '../../src/db/open-db.js';
import { createTelemetryWriter } from '../../src/monitor/telemetry-writer.js';
import type { MonitorCheckResult, MonitorReport } from '../../src/monitor/types.js';
import { seedAsks } from './seed-telemetry.js';

const HOUR = 3_600_000;
const dir = mkdtempSync(join(tmpdir(), 'gw-monitor-cli-'));
const configFile = join(dir, 'groundwork.config.json');
const env = { GROUNDWORK_CONFIG: configFile, PATH: process.env.PATH };

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTty: false, stdout: (text: string) => void (io.out += text), stderr: (text: string) => void (io.err += text) };
  return io;
}

beforeAll(async () => {
  const now = Date.now();
  // A pinned reference two days ago, and the last hour's traffic shifted by 0.8 sd (PSI ~0.6: critical).
  writeFileSync(
    configFile,
    JSON.stringify({
      dataDir: join(dir, 'data'),
      monitor: { windows: ['1h'], reference: { kind: 'pinned', from: new Date(now - 3 * 24 * HOUR - 5 * 60_000).toISOString(), to: new Date(now - 2 * 24 * HOUR).toISOString() } },
    }),
  );
  const db = await openDb({ dataDir: join(dir, 'data') });
  const writer = createTelemetryWriter({ db, bufferSize: 10_000, flushIntervalMs: 60_000 });
  seedAsks(writer, { tenant: 'acme', from: new Date(now - 3 * 24 * HOUR), to: new Date(now - 2 * 24 * HOUR), count: 300 });
  // Well inside the last hour, so the window still holds every row when the commands run minutes later.
  seedAsks(writer, { tenant: 'acme', from: new Date(now - 40 * 60_000), to: new Date(now - 5 * 60_000), count: 200, shift: 0.8 });
  await writer.close();
  await db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('groundwork monitor', () => {
  it('--json prints the report over the stored telemetry: stats and drift against the reference', async () => {
    const io = capture();
    expect(await main(['monitor', '--window', '1h', '--tenant', 'acme', '--json'], io, env)).toBe(0);
    const report = JSON.parse(io.out) as MonitorReport;
    expect(report).toMatchObject({ tenant: 'acme', window: '1h', reference: { kind: 'pinned' } });
    expect(report.current.stats.requests).toBe(200);
    expect(report.reference.stats.requests).toBe(300);
    expect(report.current.stats.refusalRate).toBeCloseTo(0.1);
    expect(report.current.stats.cacheHitRate).toBeCloseTo(0.25);
    expect(report.current.stats.costPerQuery).toBeCloseTo(0.001);
    const length = report.drift.find((d) => d.signal === 'query_length')!;
    expect(length.status).toBe('critical');
    expect(length.statistic).toBeGreaterThan(0.25);
    expect(length.ks!.pValue).toBeLessThan(0.001);
    expect(report.drift.find((d) => d.signal === 'confidence')!.status).toBe('none');
  });

  it('the human view shows the windows, the drift table and the playbook response', async () => {
    const io = capture();
    expect(await main(['monitor', '--window', '1h'], io, env)).toBe(0);
    expect(io.out).toContain('every tenant, last 1h');
    expect(io.out).toMatch(/query_length\s+feature\s+psi/);
    expect(io.out).toContain('Retrain on recent data within 24h');
    // No query was embedded (this store has no embedder): the embedding signal says so, and why.
    expect(io.out).toMatch(/query_embedding\s+feature\s+psi\s+.*unavailable/);
    expect(io.out).toContain('query_embedding: unavailable: no query embeddings were recorded in either window');
  });

  it('check --json opens the alerts once; a second run opens none', async () => {
    const first = capture();
    expect(await main(['monitor', 'check', '--json'], first, env)).toBe(0);
    const result = JSON.parse(first.out) as MonitorCheckResult;
    expect(result.tenants).toEqual(['acme']);
    expect(result.opened.map((a) => `${a.signal}:${a.severity}`).sort()).toEqual(['query_length:critical', 'top_score:critical']);
    expect(result.webhook).toBeNull();
    expect(first.err).toContain('monitor alert opened');
    const second = capture();
    expect(await main(['monitor', 'check', '--json'], second, env)).toBe(0);
    expect((JSON.parse(second.out) as MonitorCheckResult).opened).toEqual([]);
    expect((JSON.parse(second.out) as MonitorCheckResult).open).toHaveLength(2);
  });

  it('bad usage exits 2 naming the flag', async () => {
    const io = capture();
    expect(await main(['monitor', '--window', '2w', '--json'], io, env)).toBe(2);
    expect(io.out + io.err).toContain('--window must be one of 1h, 1d, 7d');
  });
});
