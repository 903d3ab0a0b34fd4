import type { EvalReport } from './eval-report.js';

const fmt = (value: number) => value.toFixed(4);
const pFmt = (p: number) => (p < 0.001 ? '<0.001' : p.toFixed(3));

/** Renders a report as Markdown for terminals and READMEs: metric table with intervals, comparison, segments, worst queries. */
export function renderMarkdownReport(report: EvalReport): string {
  const out: string[] = [`# ${report.title}`, ''];
  if (report.experimentId) out.push(`- Experiment: ${report.experimentId}`);
  if (report.createdAt) out.push(`- Created: ${report.createdAt}`);
  if (report.hypothesis) out.push(`- Hypothesis: ${report.hypothesis}`);
  if (report.dataset) out.push(`- Dataset: ${report.dataset.path}${report.dataset.split ? ` (split ${report.dataset.split})` : ''}, ${report.dataset.hash}`);
  if (out.length > 2) out.push('');
  out.push('| metric | mean | 95% CI | n |', '|---|---:|---|---:|');
  for (const [name, m] of Object.entries(report.metrics)) out.push(`| ${name} | ${fmt(m.mean)} | [${fmt(m.lower)}, ${fmt(m.upper)}] | ${m.n} |`);
  if (report.comparison) {
    out.push('', `## Comparison with ${report.comparison.baselineId}`, '', '| metric | baseline | this | difference | 95% CI | p |', '|---|---:|---:|---:|---|---:|');
    for (const [name, c] of Object.entries(report.comparison.metrics)) {
      out.push(`| ${name} | ${fmt(c.meanA)} | ${fmt(c.meanB)} | ${c.meanDifference >= 0 ? '+' : ''}${fmt(c.meanDifference)} | [${fmt(c.lower)}, ${fmt(c.upper)}] | ${pFmt(c.pValue)} |`);
    }
  }
  if (report.segments && report.segments.length > 0) {
    const names = Object.keys(report.metrics).filter((name) => report.segments!.some((s) => name in s.metrics));
    out.push('', '## Segments', '', `| segment | n | ${names.join(' | ')} |`, `|---|---:|${names.map(() => '---|').join('')}`);
    for (const s of report.segments) {
      out.push(`| ${s.segment} | ${s.n} | ${names.map((name) => (s.metrics[name] ? `${fmt(s.metrics[name].mean)} [${fmt(s.metrics[name].lower)}, ${fmt(s.metrics[name].upper)}]` : '')).join(' | ')} |`);
    }
  }
  if (report.latenciesMs && report.latenciesMs.length > 0) {
    const sorted = [...report.latenciesMs].sort((a, b) => a - b);
    const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    out.push('', `Latency: p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (n=${sorted.length})`);
  }
  if (report.worstQueries && report.worstQueries.length > 0) {
    out.push('', `## Worst ${report.worstQueries.length} queries`, '');
    for (const q of report.worstQueries) {
      out.push(`- ${q.queryId} (${q.metric} ${fmt(q.value)})${q.query ? `: ${q.query.replace(/\s+/g, ' ')}` : ''}`);
      for (const p of q.retrieved.slice(0, 3)) out.push(`  - ${p.relevant ? '[relevant] ' : ''}${p.docId}${p.text ? `: ${p.text.replace(/\s+/g, ' ').slice(0, 160)}` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}
