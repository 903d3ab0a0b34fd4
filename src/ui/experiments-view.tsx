import { useEffect, useState } from 'preact/hooks';
import { dateTime, errorText, fixed } from './format.js';
import type { Session } from './session.js';
import type { ExperimentComparison, ExperimentSummary } from './wire-types.js';

const primaryMetricOf = (e: ExperimentSummary): string => (e.config.eval as { primaryMetric?: string } | undefined)?.primaryMetric ?? (Object.keys(e.metrics)[0] || 'ndcg@10');

/** Experiments recorded by `groundwork eval run`: list, paired comparison of two, the HTML report. */
export function ExperimentsView({ session }: { session: Session }) {
  const [experiments, setExperiments] = useState<ExperimentSummary[] | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [comparison, setComparison] = useState<ExperimentComparison | null>(null);
  const [report, setReport] = useState<{ id: string; html: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    session.api
      .get<{ experiments: ExperimentSummary[] }>('/v1/experiments?limit=200')
      .then(({ data }) => setExperiments(data.experiments))
      .catch((failure) => setError(errorText(failure)));
  }, []);

  const toggle = (id: string) => setSelected((all) => (all.includes(id) ? all.filter((x) => x !== id) : [...all, id].slice(-2)));

  const compare = async () => {
    // A is the older run (the baseline), B the newer: ids sort by date and sequence.
    const [a, b] = [...selected].sort();
    setError(null);
    try {
      setComparison((await session.api.get<ExperimentComparison>(`/v1/experiments/${a}/compare/${b}`)).data);
    } catch (failure) {
      setComparison(null);
      setError(errorText(failure));
    }
  };

  const openReport = async (id: string) => {
    setError(null);
    try {
      setReport({ id, html: await session.api.text(`/v1/experiments/${id}/report`) });
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  if (experiments === null && !error) return <p class="muted">Loading experiments…</p>;
  return (
    <div class="experiments">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {experiments && experiments.length === 0 && (
        <p class="muted">
          No experiments yet. Record one with <code>groundwork eval run --golden FILE --tenant {session.tenant}</code>.
        </p>
      )}
      {experiments && experiments.length > 0 && (
        <>
          <p>
            <button disabled={selected.length !== 2} onClick={compare}>
              Compare the two selected
            </button>{' '}
            <span class="muted">paired test of the newer (B) against the older (A) over their shared queries</span>
          </p>
          <table data-testid="experiment-list">
            <thead>
              <tr>
                <th></th>
                <th>id</th>
                <th>created</th>
                <th>verdict</th>
                <th>dataset</th>
                <th>queries</th>
                <th>primary metric</th>
                <th>hypothesis</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {experiments.map((e) => {
                const metric = primaryMetricOf(e);
                return (
                  <tr key={e.id} data-experiment-id={e.id}>
                    <td>
                      <input type="checkbox" aria-label={`select ${e.id}`} checked={selected.includes(e.id)} onChange={() => toggle(e.id)} />
                    </td>
                    <td>
                      <code>{e.id}</code>
                    </td>
                    <td>{dateTime(e.createdAt)}</td>
                    <td>{e.verdict}</td>
                    <td>
                      {e.dataset.kind}:{e.dataset.path.split(/[\\/]/).pop()}
                      {e.dataset.split ? `/${e.dataset.split}` : ''}
                    </td>
                    <td>{e.queryCount}</td>
                    <td>
                      {metric} {fixed(e.metrics[metric]?.mean)}
                    </td>
                    <td>{e.hypothesis ?? ''}</td>
                    <td>
                      <button class="link" onClick={() => openReport(e.id)}>
                        Report
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
      {comparison && (
        <table data-testid="comparison">
          <caption>
            {comparison.b} (B) against {comparison.a} (A): {comparison.queries} shared queries ({comparison.onlyInA} only in A, {comparison.onlyInB} only in B)
          </caption>
          <thead>
            <tr>
              <th>metric</th>
              <th>A</th>
              <th>B</th>
              <th>B − A</th>
              <th>CI of B − A</th>
              <th>p</th>
              <th>n</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(comparison.metrics).map(([name, r]) => (
              <tr key={name} class={r.lower > 0 ? 'better' : r.upper < 0 ? 'worse' : ''}>
                <td>{name}</td>
                <td>{fixed(r.meanA)}</td>
                <td>{fixed(r.meanB)}</td>
                <td>{fixed(r.meanDifference)}</td>
                <td>
                  [{fixed(r.lower)}, {fixed(r.upper)}]
                </td>
                <td>{fixed(r.pValue)}</td>
                <td>{r.n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {report && (
        <div class="report">
          <p>
            HTML report of <code>{report.id}</code>{' '}
            <button class="link" onClick={() => setReport(null)}>
              close
            </button>
          </p>
          {/* sandbox without allow-scripts: the report runs nothing and gets an origin of its own. */}
          <iframe title={`report ${report.id}`} sandbox="" srcdoc={report.html} data-testid="report-frame" />
        </div>
      )}
    </div>
  );
}
