import cliProgress from 'cli-progress';
import type { CliIo } from './output.js';

export interface ProgressReporter {
  update(values: { done: number; total?: number; detail: string }): void;
  stop(): void;
}

/** Counts as people read them: `1,234`. */
export const formatCount = (value: number): string => value.toLocaleString('en-US');

/**
 * A progress bar on stderr when it is a terminal; otherwise a line every few seconds, so logs
 * of long runs still show life. Never writes to stdout. `unit` names what `done` counts, so no
 * number in the line stands unlabelled: `ingest: 193/629 documents, 1,234 chunks, ...`.
 */
export function createProgress(io: CliIo, label: string, enabled = true, unit = ''): ProgressReporter {
  if (!enabled) return { update() {}, stop() {} };
  if (io.isTty) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total}${unit ? ` ${unit}` : ''} | {detail} | ETA {eta_formatted}`,
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
  let pending: Parameters<ProgressReporter['update']>[0] | undefined;
  const startedAt = Date.now();
  const print = ({ done, total, detail }: Parameters<ProgressReporter['update']>[0], now: number) => {
    const elapsed = (now - startedAt) / 1000;
    const eta = total && done > 0 && done < total ? `, eta ${Math.round(((total - done) * elapsed) / done)}s` : '';
    io.stderr(`${label}: ${formatCount(done)}${total ? `/${formatCount(total)}` : ''}${unit ? ` ${unit}` : ''}${detail ? `, ${detail}` : ''}${eta}\n`);
  };
  return {
    update(values) {
      const now = Date.now();
      pending = values;
      if (now - last < 2000) return;
      last = now;
      pending = undefined;
      print(values, now);
    },
    // The last state when it was not printed yet, so logs end with the final counts.
    stop() {
      if (pending) print(pending, Date.now());
      pending = undefined;
    },
  };
}
