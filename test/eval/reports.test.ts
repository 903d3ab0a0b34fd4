import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { bootstrapCI } from '../../src/eval/bootstrap-ci.js';
import { selectWorstQueries, type EvalReport } from '../../src/eval/eval-report.js';
import { renderHtmlReport } from '../../src/eval/html-report.js';
import { renderMarkdownReport } from '../../src/eval/markdown-report.js';
import { pairedTest } from '../../src/eval/paired-test.js';
import { mulberry32 } from '../../src/eval/prng.js';

const CHROMIUM = '/usr/bin/chromium';

function report(): EvalReport {
  const random = mulberry32(3);
  const a = Array.from({ length: 30 }, () => random());
  const b = a.map((v) => Math.min(1, v + 0.1 * random()));
  return {
    title: 'Sparse vs hybrid <test>',
    experimentId: 'EXP-2025-03-04-002',
    dataset: { path: 'samples/golden.jsonl', hash: 'sha256:abc' },
    hypothesis: 'hybrid retrieval finds more relevant documents',
    metrics: { 'ndcg@10': bootstrapCI(b, { resamples: 500 }), 'recall@10': bootstrapCI(a, { resamples: 500 }) },
    comparison: {
      baselineId: 'EXP-2025-03-04-001',
      metrics: { 'ndcg@10': pairedTest(a, b, { resamples: 500 }) },
      primaryMetric: 'ndcg@10',
      perQueryDifferences: a.map((v, i) => ({ queryId: `q${i}`, difference: b[i] - v })),
    },
    latenciesMs: Array.from({ length: 100 }, () => 5 + 50 * random()),
    segments: [{ segment: 'numeric', n: 30, metrics: { 'ndcg@10': bootstrapCI(b, { resamples: 500 }) } }],
    worstQueries: selectWorstQueries(
      b.map((v, i) => ({ queryId: `q${i}`, metrics: { 'ndcg@10': v } })),
      'ndcg@10',
      5,
    ).map((row) => ({
      queryId: row.queryId,
      query: 'What is the per diem?',
      metric: 'ndcg@10',
      value: row.metrics['ndcg@10'],
      retrieved: [{ docId: 'travel-and-expense-policy.md', text: 'A flat per diem of EUR 60 <b>per day</b>.', relevant: true, score: 3.2 }],
    })),
  };
}

describe('reports', () => {
  it('markdown lists metrics with intervals, the comparison and the worst queries', () => {
    const text = renderMarkdownReport(report());
    expect(text).toMatch(/\| ndcg@10 \| 0\.\d{4} \| \[0\.\d{4}, 0\.\d{4}\] \| 30 \|/);
    expect(text).toContain('## Comparison with EXP-2025-03-04-001');
    expect(text).toContain('## Worst 5 queries');
    expect(text).toMatch(/Latency: p50 [\d.]+ ms/);
  });

  it('selectWorstQueries returns the lowest scores first', () => {
    const rows = [0.5, 0.1, 0.9, 0.1].map((v, i) => ({ queryId: `q${i}`, metrics: { m: v } }));
    expect(selectWorstQueries(rows, 'm', 3).map((r) => r.queryId)).toEqual(['q1', 'q3', 'q0']);
  });

  it('HTML is self-contained and escapes text', () => {
    const html = renderHtmlReport(report());
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('Sparse vs hybrid &lt;test&gt;');
    expect(html).toContain('EUR 60 &lt;b&gt;per day&lt;/b&gt;');
    expect(html.match(/<rect class="diff"/g)).toHaveLength(30);
  });

  it.skipIf(!existsSync(CHROMIUM))('renders in headless Chromium with every chart element (needs Debian chromium)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gw-report-'));
    const file = join(dir, 'report.html');
    await writeFile(file, renderHtmlReport(report()));
    const { stdout } = await promisify(execFile)(
      CHROMIUM,
      ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${file}`],
      { timeout: 45_000, maxBuffer: 16 * 1024 * 1024 },
    );
    // The DOM as Chromium parsed it: the SVG charts exist with their elements.
    expect(stdout).toMatch(/<svg[^>]*class="gw-metric-bars"/);
    expect(stdout.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(stdout.match(/<line class="whisker"/g)).toHaveLength(2);
    expect(stdout).toMatch(/<svg[^>]*class="gw-diff-plot"/);
    expect(stdout.match(/<rect class="diff"/g)).toHaveLength(30);
    expect(stdout).toMatch(/<svg[^>]*class="gw-latency-histogram"/);
    expect(stdout.match(/<rect class="bin"/g)).toHaveLength(20);
    expect(stdout.match(/<li class="worst-query"/g)).toHaveLength(5);
  }, 60_000);
});
