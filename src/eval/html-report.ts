import type { EvalReport } from './eval-report.js';
import { differencePlotSvg, escapeXml, latencyHistogramSvg, metricBarsSvg } from './svg-charts.js';

const fmt = (value: number) => value.toFixed(4);

/**
 * Renders a self-contained HTML report (inline CSS and SVG, no scripts, no external requests):
 * metric bars with CI whiskers, the per-query difference plot when there is a comparison, a
 * latency histogram when latencies are known, segments, and the worst queries with their passages.
 */
export function renderHtmlReport(report: EvalReport): string {
  const parts: string[] = [];
  const meta = [
    report.experimentId && `Experiment <code>${escapeXml(report.experimentId)}</code>`,
    report.createdAt && `created ${escapeXml(report.createdAt)}`,
    report.dataset && `dataset <code>${escapeXml(report.dataset.path)}</code>${report.dataset.split ? ` split ${escapeXml(report.dataset.split)}` : ''} <code>${escapeXml(report.dataset.hash)}</code>`,
  ].filter(Boolean);
  if (meta.length > 0) parts.push(`<p class="meta">${meta.join(' · ')}</p>`);
  if (report.hypothesis) parts.push(`<p><strong>Hypothesis:</strong> ${escapeXml(report.hypothesis)}</p>`);
  parts.push('<h2>Metrics (95% bootstrap intervals)</h2>', `<figure id="metric-bars">${metricBarsSvg(report.metrics)}</figure>`);
  parts.push(
    table(
      ['metric', 'mean', '95% CI', 'n'],
      Object.entries(report.metrics).map(([name, m]) => [name, fmt(m.mean), `[${fmt(m.lower)}, ${fmt(m.upper)}]`, String(m.n)]),
    ),
  );
  if (report.comparison) {
    const c = report.comparison;
    parts.push(
      `<h2>Comparison with ${escapeXml(c.baselineId)}</h2>`,
      table(
        ['metric', 'baseline', 'this', 'difference', '95% CI', 'p'],
        Object.entries(c.metrics).map(([name, r]) => [name, fmt(r.meanA), fmt(r.meanB), fmt(r.meanDifference), `[${fmt(r.lower)}, ${fmt(r.upper)}]`, r.pValue.toFixed(4)]),
      ),
      `<h3>Per-query difference in ${escapeXml(c.primaryMetric)} (this − baseline)</h3>`,
      `<figure id="difference-plot">${differencePlotSvg(c.perQueryDifferences)}</figure>`,
    );
  }
  if (report.latenciesMs && report.latenciesMs.length > 0) {
    parts.push('<h2>Latency</h2>', `<figure id="latency-histogram">${latencyHistogramSvg(report.latenciesMs)}</figure>`);
  }
  if (report.segments && report.segments.length > 0) {
    const names = Object.keys(report.metrics);
    parts.push(
      '<h2>Segments</h2>',
      table(
        ['segment', 'n', ...names],
        report.segments.map((s) => [s.segment, String(s.n), ...names.map((name) => (s.metrics[name] ? `${fmt(s.metrics[name].mean)} [${fmt(s.metrics[name].lower)}, ${fmt(s.metrics[name].upper)}]` : ''))]),
      ),
    );
  }
  if (report.worstQueries && report.worstQueries.length > 0) {
    parts.push(`<h2>Worst ${report.worstQueries.length} queries</h2>`, '<ol id="worst-queries">');
    for (const q of report.worstQueries) {
      const passages = q.retrieved
        .map((p) => `<li class="${p.relevant ? 'relevant' : ''}"><code>${escapeXml(p.docId)}</code>${p.score === undefined ? '' : ` <small>${p.score.toFixed(4)}</small>`}${p.relevant ? ' <strong>relevant</strong>' : ''}${p.text ? `<blockquote>${escapeXml(p.text)}</blockquote>` : ''}</li>`)
        .join('');
      parts.push(`<li class="worst-query"><p><code>${escapeXml(q.queryId)}</code> ${escapeXml(q.metric)} = ${fmt(q.value)}${q.query ? ` — ${escapeXml(q.query)}` : ''}</p><ul>${passages}</ul></li>`);
    }
    parts.push('</ol>');
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(report.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}td:first-child,th:first-child{text-align:left}.meta{color:#555}blockquote{margin:.25rem 0 .5rem 1rem;color:#444;font-size:.9em}li.relevant>code{background:#e6f4ea}figure{margin:1rem 0}</style>
</head><body><h1>${escapeXml(report.title)}</h1>
${parts.join('\n')}
</body></html>
`;
}

function table(header: string[], rows: string[][]): string {
  return `<table><thead><tr>${header.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeXml(cell)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}
