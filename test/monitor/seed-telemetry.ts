import { normalQuantile } from '../../src/classic-ml/core/distributions.js';
import type { TelemetryRecord, TelemetryWriter } from '../../src/monitor/telemetry-writer.js';

/**
 * Records `count` asks spread evenly over [from, to): query lengths normal (mean 60, sd 10,
 * rounded) and top scores normal (mean 0.5, sd 0.1), at the normal quantiles in a scrambled order,
 * both moved up by `shift` standard deviations. Against a seed of 300, 200 rows shifted by 0.4 give
 * PSI 0.15-0.16 (warning) and by 0.8 give 0.6 (critical), also with a few rows cut off by the window.
 */
export function seedAsks(writer: TelemetryWriter, options: { tenant: string; from: Date; to: Date; count: number; shift?: number; status?: (i: number) => number; extra?: Partial<TelemetryRecord> }): void {
  const shift = options.shift ?? 0;
  const span = options.to.getTime() - options.from.getTime();
  for (let i = 0; i < options.count; i++) {
    const z = normalQuantile((((i * 7919) % options.count) + 0.5) / options.count) + shift;
    writer.record({
      at: new Date(options.from.getTime() + (span * i) / options.count),
      tenant: options.tenant,
      route: 'ask',
      status: options.status?.(i) ?? 200,
      totalMs: 20 + (i % 50),
      query: 'q'.repeat(Math.max(1, Math.round(60 + 10 * z))),
      topScore: 0.5 + 0.1 * z,
      confidence: 0.5,
      refused: i % 10 === 0,
      cache: i % 4 === 0 ? 'exact' : 'miss',
      model: 'extractive',
      costUsd: 0.001,
      inputTokens: 100,
      outputTokens: 20,
      ...options.extra,
    });
  }
}
