import type { Clock } from '../../../src/router/clock.js';

/** A clock whose sleeps return at once, advance its time and are recorded. */
export function createFakeClock(start = Date.UTC(2025, 0, 15, 12)): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
  };
}
