import { describe, expect, it } from 'vitest';
import { createHitRecorder, type HitBatch } from '../../src/cache/hit-recorder.js';

const at = (second: number): Date => new Date(Date.UTC(2025, 0, 1, 0, 0, second));

describe('hit recorder', () => {
  it('sums hits per entry, keeps the latest time, and writes them in one batch on flush', async () => {
    const writes: HitBatch[][] = [];
    const recorder = createHitRecorder(async (batch) => void writes.push(batch), { intervalMs: 60_000 });
    recorder.record({ tenant: 'acme', id: 'a', at: at(2) });
    recorder.record({ tenant: 'acme', id: 'a', at: at(1) });
    recorder.record({ tenant: 'acme', id: 'b', at: at(3) });
    recorder.record({ tenant: 'globex', id: 'a', at: at(4) });
    expect(writes).toEqual([]);
    await recorder.flush();
    expect(writes).toEqual([[
      { tenant: 'acme', id: 'a', hits: 2, lastHitAt: at(2) },
      { tenant: 'acme', id: 'b', hits: 1, lastHitAt: at(3) },
      { tenant: 'globex', id: 'a', hits: 1, lastHitAt: at(4) },
    ]]);
    await recorder.flush();
    expect(writes).toHaveLength(1); // nothing pending, nothing written
  });

  it('writes on its own after the interval', async () => {
    const writes: HitBatch[][] = [];
    const recorder = createHitRecorder(async (batch) => void writes.push(batch), { intervalMs: 10 });
    recorder.record({ tenant: 'acme', id: 'a', at: at(1) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writes).toEqual([[{ tenant: 'acme', id: 'a', hits: 1, lastHitAt: at(1) }]]);
  });

  it('keeps the hits of a failed write for the next one and reports the error', async () => {
    const writes: HitBatch[][] = [];
    const errors: string[] = [];
    let fail = true;
    const recorder = createHitRecorder(
      async (batch) => {
        if (fail) throw new Error('connection refused');
        writes.push(batch);
      },
      { intervalMs: 60_000, onError: (error) => errors.push(error.message) },
    );
    recorder.record({ tenant: 'acme', id: 'a', at: at(1) });
    await recorder.flush();
    expect(errors).toEqual(['connection refused']);
    recorder.record({ tenant: 'acme', id: 'a', at: at(5) });
    fail = false;
    await recorder.flush();
    expect(writes).toEqual([[{ tenant: 'acme', id: 'a', hits: 2, lastHitAt: at(5) }]]);
  });

  it('never overlaps writes: hits recorded during a write go into the next one', async () => {
    const writes: HitBatch[][] = [];
    let active = 0;
    let overlapped = false;
    let second: Promise<void> | undefined;
    const recorder = createHitRecorder(
      async (batch) => {
        active += 1;
        if (active > 1) overlapped = true;
        if (!second) {
          recorder.record({ tenant: 'acme', id: 'a', at: at(2) });
          second = recorder.flush();
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
        writes.push(batch);
        active -= 1;
      },
      { intervalMs: 60_000 },
    );
    recorder.record({ tenant: 'acme', id: 'a', at: at(1) });
    await recorder.flush();
    await second;
    expect(overlapped).toBe(false);
    expect(writes).toEqual([[{ tenant: 'acme', id: 'a', hits: 1, lastHitAt: at(1) }], [{ tenant: 'acme', id: 'a', hits: 1, lastHitAt: at(2) }]]);
  });
});
