import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classicMlTools } from '../../src/classic-ml/classic-ml-tools.js';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';

function capture(isTty = false): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTty, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}
const env = { GROUNDWORK_DATA_DIR: 'memory://', PATH: process.env.PATH };

describe('groundwork tool', () => {
  it('--example prints a sample input for every tool', async () => {
    for (const tool of classicMlTools) {
      const io = capture();
      expect(await main(['tool', tool.name, '--example'], io, env), tool.name).toBe(0);
      expect(() => JSON.parse(io.out)).not.toThrow();
    }
  });

  it('runs drift on samples/tools/drift.json in a worker', async () => {
    const io = capture();
    expect(await main(['tool', 'drift', '--input', 'samples/tools/drift.json', '--json'], io, env)).toBe(0);
    expect(JSON.parse(io.out)).toMatchObject({ method: 'psi', verdict: 'critical' });
  });

  it('refuses over-cap input naming the field, stops a run past --timeout-ms, and shows live progress on a terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-tool-'));
    const X = Array.from({ length: 4000 }, (_, i) => Array.from({ length: 40 }, (_, j) => (i * 7 + j * 13 + ((i * j) % 11)) % 97));
    const y = X.map((row, i) => (row[0] + row[1] > 97 ? 1 : 0) ^ (Math.imul(i, 2654435761) >>> 31)); // half the labels flipped: trees grow to full depth
    const overCap = join(dir, 'over.json');
    writeFileSync(overCap, JSON.stringify({ model: 'gradient-boosting', X: X.slice(0, 100), y: y.slice(0, 100), options: { nEstimators: 5000 } }));
    const refused = capture();
    expect(await main(['tool', 'train', '--input', overCap, '--json'], refused, env)).toBe(1);
    expect(JSON.parse(refused.out).error).toMatchObject({ code: 'INPUT', details: { field: 'options.nEstimators', limit: 1000 } });

    const long = join(dir, 'long.json');
    // ~8 s of fitting on an idle machine (depth 12); stopped after 3 s, by then some trees are built.
    writeFileSync(long, JSON.stringify({ model: 'gradient-boosting', X, y, options: { nEstimators: 300, maxDepth: 12 } }));
    const io = capture(true);
    expect(await main(['tool', 'train', '--input', long, '--timeout-ms', '3000'], io, env)).toBe(1);
    expect(io.err).toMatch(/error: train ran past its time limit of 3000 ms and was stopped/);
    expect(io.err).toMatch(/\rtrain: \d+\.\d s, \d+\/300 trees/);
  });
});
