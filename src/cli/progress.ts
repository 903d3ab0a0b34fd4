import cliProgress from 'cli-progress';
import type { CliIo } from './output.js';

export interface ProgressReporter {
  update(values: { done: number; total?: number; detail: string }): void;
  stop(): void;
}

/**
 * A progress bar on stderr when it is a terminal; otherwise a line every few seconds, so logs
 * of long runs still show life. Never writes to stdout.
 */
export function createProgress(io: CliIo, label: string, enabled = true): ProgressReporter {
  if (!enabled) return { update() {}, stop() {} };
  if (io.isTty) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {detail} | ETA {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update({ done, total, detail }) {
        if (!started) {
          bar.start(total ?? done + 1, done, { detail });
          started = true;
        }
        if (total !== undefined) bar.setTotal(total);
        else if (done >= bar.getTotal()) bar.setTotal(done + 1);
        bar.update(done, { detail });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  const startedAt = Date.now();
  return {
    update({ done, total, detail }) {
      const now = Date.now();
      if (now - last < 2000) return;
      last = now;
      const elapsed = (now - startedAt) / 1000;
      const eta = total && done > 0 ? ` eta ${Math.round(((total - done) * elapsed) / done)}s` : '';
      io.stderr(`${label}: ${done}${total ? `/${total}` : ''} ${detail}${eta}\n`);
    },
    stop() {},
  };
}
