import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { DEFAULT_HEAP_GROWTH_PERCENT, limitHeapGrowth } from '../../src/ingest/heap-growth.js';

const module = fileURLToPath(new URL('../../src/ingest/heap-growth.ts', import.meta.url));

/** Peak V8 heap (MB) of a fresh process that holds ~80 MB and churns ~600 MB of promoted garbage. */
function peakHeapMb(percent: number): number {
  const script = `
    const { limitHeapGrowth } = await import(${JSON.stringify(module)});
    limitHeapGrowth(${percent});
    const live = Array.from({ length: 200 }, (_, i) => new Array(50_000).fill(i));
    let recent = [];
    let peak = 0;
    for (let i = 0; i < 3000; i += 1) {
      recent.push(new Array(25_000).fill(i)); // survives a while: promoted to the old space
      if (recent.length > 40) recent.shift();
      if (i % 10 === 0) peak = Math.max(peak, process.memoryUsage().heapTotal);
    }
    console.log(JSON.stringify({ peak: peak / 1e6, live: live.length }));`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(child.stderr);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!).peak as number;
}

describe('limitHeapGrowth', () => {
  it('sets how far the heap grows past its live data between full collections', () => {
    // Two explicit factors, not V8's own (which depends on how busy the machine is): 5x and 1.25x.
    const loose = peakHeapMb(400);
    const limited = peakHeapMb(25);
    expect(limited, `peak heap ${limited.toFixed(0)} MB at 25%, ${loose.toFixed(0)} MB at 400%`).toBeLessThan(loose * 0.7);
  }, 60_000);

  it('refuses what is not a percent from 0 to 1000, naming the setting', () => {
    expect(() => limitHeapGrowth(-1)).toThrow(/ingest.heapGrowthPercent/);
    expect(() => limitHeapGrowth(2.5)).toThrow(/2.5/);
    expect(() => limitHeapGrowth(0)).not.toThrow();
  });

  it('is configured as ingest.heapGrowthPercent: 25 by default, a bad value refused with the key', () => {
    expect(parseConfig({}).ingest.heapGrowthPercent).toBe(DEFAULT_HEAP_GROWTH_PERCENT);
    expect(parseConfig({ ingest: { heapGrowthPercent: 0 } }).ingest.heapGrowthPercent).toBe(0);
    expect(() => parseConfig({ ingest: { heapGrowthPercent: -5 } })).toThrow(/ingest\.heapGrowthPercent: got -5/);
    expect(() => parseConfig({ ingest: { heapGrowthPercent: 12.5 } })).toThrow(/ingest\.heapGrowthPercent/);
  });
});
