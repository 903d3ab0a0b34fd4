import type { MeanWithCI } from './bootstrap-ci.js';

const WIDTH = 640;
const FONT = 'font-family="system-ui, sans-serif" font-size="11"';

/** Escapes text for HTML and SVG. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Horizontal bars (one per metric, scale [0, max(1, upper)]) with the confidence interval as a whisker.
 * Elements: `svg.gw-metric-bars`, `rect.bar`, `line.whisker` per metric.
 */
export function metricBarsSvg(metrics: Record<string, MeanWithCI>): string {
  const names = Object.keys(metrics);
  const rowHeight = 26;
  const left = 110;
  const plot = WIDTH - left - 60;
  const scaleMax = Math.max(1, ...names.map((name) => metrics[name].upper));
  const x = (value: number) => left + (Math.max(0, value) / scaleMax) * plot;
  const rows = names.map((name, i) => {
    const { mean, lower, upper } = metrics[name];
    const y = 10 + i * rowHeight;
    return (
      `<g class="metric" data-metric="${escapeXml(name)}">` +
      `<text x="${left - 6}" y="${y + 14}" text-anchor="end" ${FONT}>${escapeXml(name)}</text>` +
      `<rect class="bar" x="${left}" y="${y + 3}" width="${(x(mean) - left).toFixed(1)}" height="16" fill="#4e79a7"/>` +
      `<line class="whisker" x1="${x(lower).toFixed(1)}" x2="${x(upper).toFixed(1)}" y1="${y + 11}" y2="${y + 11}" stroke="#222" stroke-width="1.5"/>` +
      `<text x="${(x(upper) + 4).toFixed(1)}" y="${y + 14}" ${FONT}>${mean.toFixed(3)}</text></g>`
    );
  });
  const height = 20 + names.length * rowHeight;
  return `<svg class="gw-metric-bars" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="metric means with 95% intervals">${rows.join('')}</svg>`;
}

/**
 * Per-query difference plot (B - A), queries sorted by difference: one bar per query, green above
 * zero, red below. Elements: `svg.gw-diff-plot`, `rect.diff` per query, `line.zero`.
 */
export function differencePlotSvg(differences: ReadonlyArray<{ queryId: string; difference: number }>): string {
  const height = 200;
  const sorted = [...differences].sort((a, b) => a.difference - b.difference);
  const maxAbs = Math.max(1e-9, ...sorted.map((d) => Math.abs(d.difference)));
  const mid = height / 2;
  const step = (WIDTH - 20) / Math.max(1, sorted.length);
  const bars = sorted.map((d, i) => {
    const h = (Math.abs(d.difference) / maxAbs) * (mid - 10);
    const y = d.difference >= 0 ? mid - h : mid;
    const color = d.difference > 0 ? '#59a14f' : d.difference < 0 ? '#e15759' : '#999';
    return `<rect class="diff" x="${(10 + i * step).toFixed(2)}" y="${y.toFixed(1)}" width="${Math.max(0.5, step - 0.5).toFixed(2)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${color}"><title>${escapeXml(d.queryId)}: ${d.difference.toFixed(4)}</title></rect>`;
  });
  return `<svg class="gw-diff-plot" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="per-query difference">${bars.join('')}<line class="zero" x1="10" x2="${WIDTH - 10}" y1="${mid}" y2="${mid}" stroke="#222"/><text x="12" y="12" ${FONT}>+${maxAbs.toFixed(3)}</text><text x="12" y="${height - 4}" ${FONT}>-${maxAbs.toFixed(3)}</text></svg>`;
}

/** Histogram of latencies in `bins` equal-width bins. Elements: `svg.gw-latency-histogram`, `rect.bin`. */
export function latencyHistogramSvg(latenciesMs: readonly number[], bins = 20): string {
  const height = 180;
  const min = Math.min(...latenciesMs);
  const max = Math.max(...latenciesMs);
  const width = (max - min) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const value of latenciesMs) counts[Math.min(bins - 1, Math.floor((value - min) / width))] += 1;
  const top = Math.max(...counts);
  const step = (WIDTH - 20) / bins;
  const rects = counts.map((count, i) => {
    const h = (count / top) * (height - 40);
    const from = min + i * width;
    return `<rect class="bin" x="${(10 + i * step).toFixed(1)}" y="${(height - 20 - h).toFixed(1)}" width="${(step - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#f28e2b"><title>${from.toFixed(0)}-${(from + width).toFixed(0)} ms: ${count}</title></rect>`;
  });
  return `<svg class="gw-latency-histogram" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="latency histogram">${rects.join('')}<text x="10" y="${height - 4}" ${FONT}>${min.toFixed(0)} ms</text><text x="${WIDTH - 10}" y="${height - 4}" text-anchor="end" ${FONT}>${max.toFixed(0)} ms</text></svg>`;
}
