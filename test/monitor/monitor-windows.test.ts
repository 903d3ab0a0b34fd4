import { describe, expect, it } from 'vitest';
import { monitorOptionsSchema } from '../../src/monitor/monitor-options.js';
import { parseSeriesStep } from '../../src/monitor/monitor-series.js';
import { resolveWindows } from '../../src/monitor/monitor-windows.js';
import { histogramPercentile } from '../../src/monitor/window-stats.js';
import { latencyBucket } from '../../src/monitor/rollup-sql.js';

const now = new Date('2026-12-07T12:00:00Z');
const DAY = 86_400_000;

describe('monitor windows', () => {
  it('the default reference is the 7 days before the window', async () => {
    const options = monitorOptionsSchema.parse({});
    const { current, reference } = await resolveWindows('1d', options.reference, now, 'acme');
    expect(current).toEqual({ from: new Date(now.getTime() - DAY), to: now });
    expect(reference).toEqual({ kind: 'previous', from: new Date(now.getTime() - 8 * DAY), to: new Date(now.getTime() - DAY) });
  });

  it('after-promotion: the days after the last promotion, cut at the window; a clear error without a promotion or a finder', async () => {
    const reference = monitorOptionsSchema.parse({ reference: { kind: 'after-promotion' } }).reference;
    const promoted = new Date(now.getTime() - 3 * DAY);
    const tenants: Array<string | null> = [];
    const found = await resolveWindows('1h', reference, now, 'acme', async (tenant) => (tenants.push(tenant), promoted));
    expect(found.reference).toEqual({ kind: 'after-promotion', from: promoted, to: new Date(now.getTime() - 3_600_000) });
    expect(tenants).toEqual(['acme']);
    await expect(resolveWindows('1h', reference, now, 'acme', async () => undefined)).rejects.toThrow(/no promotion recorded for tenant acme/);
    await expect(resolveWindows('1h', reference, now, 'acme')).rejects.toThrow(/after-promotion/);
  });

  it('config refuses a pinned range that ends before it starts, and thresholds out of order', () => {
    expect(() => monitorOptionsSchema.parse({ reference: { kind: 'pinned', from: '2026-12-02', to: '2026-12-01' } })).toThrow(/from must be before to/);
    expect(() => monitorOptionsSchema.parse({ thresholds: { psiWarning: 0.3 } })).toThrow(/psiWarning must be below psiCritical/);
    expect(monitorOptionsSchema.parse({}).thresholds).toMatchObject({ psiWarning: 0.1, psiCritical: 0.25, errorRate: 0.01 });
  });

  it('series steps: defaults per window, a clear error for an unknown or too fine step', () => {
    expect(parseSeriesStep(undefined, '1h')).toBe(60);
    expect(parseSeriesStep('6h', '7d')).toBe(21_600);
    expect(() => parseSeriesStep('2m', '1d')).toThrow(/expected one of 1m, 5m/);
    expect(() => parseSeriesStep('1m', '7d')).toThrow(/more than 2000 points/);
  });

  it('histogram percentiles are within one bucket (±9%) of the true value', () => {
    const latencies = Array.from({ length: 1000 }, (_, i) => 1 + i * 3.7);
    const histogram = new Map<number, number>();
    for (const ms of latencies) histogram.set(latencyBucket(ms), (histogram.get(latencyBucket(ms)) ?? 0) + 1);
    for (const q of [0.5, 0.95, 0.99]) {
      const truth = latencies[Math.ceil(q * latencies.length) - 1];
      const estimate = histogramPercentile(histogram, q)!;
      expect(Math.abs(Math.log(estimate / truth))).toBeLessThan(Math.log(2 ** (1 / 4)));
    }
    expect(histogramPercentile(new Map(), 0.5)).toBeNull();
  });
});
