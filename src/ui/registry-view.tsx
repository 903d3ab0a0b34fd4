import { useEffect, useState } from 'preact/hooks';
import { dateTime, errorText, fixed, percent } from './format.js';
import { GLOBAL_SCOPE, majorOf, type ArmMetrics, type EntryKind, type RegistryEntry, type RolloutView } from './registry-types.js';
import type { Session } from './session.js';

/** The production entry a tenant's requests use for a kind: its own, else the global one. */
function productionOf(entries: readonly RegistryEntry[], kind: EntryKind, tenant: string): RegistryEntry | undefined {
  const live = entries.filter((e) => e.kind === kind && e.stage === 'production');
  return live.find((e) => e.tenant === tenant) ?? live.find((e) => e.tenant === GLOBAL_SCOPE);
}

/** Why a staging entry needs explicit approval for production (the server's promoteEntry rule), or undefined. */
function approvalNeeded(entry: RegistryEntry, entries: readonly RegistryEntry[]): string | undefined {
  const current = productionOf(entries, entry.kind, entry.tenant);
  if (!current) return `the first ${entry.kind} in production`;
  if (majorOf(current.version) !== majorOf(entry.version)) return `major version ${majorOf(entry.version)} replaces ${current.version}`;
  return undefined;
}

/**
 * The registry: entries per kind with stage, version and EXP records; running canaries and A/B
 * tests with their step, per-arm figures and decisions; promote and roll back through the
 * registry's HTTP routes, which apply the CLI's criteria (eval gate, load benchmark, approval).
 */
export function RegistryView({ session }: { session: Session }) {
  const [entries, setEntries] = useState<RegistryEntry[] | null>(null);
  const [rollouts, setRollouts] = useState<RolloutView[]>([]);
  const [approved, setApproved] = useState<Set<number>>(new Set());
  const [confirming, setConfirming] = useState<EntryKind | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = async () => {
    setError(null);
    try {
      const [listed, running] = await Promise.all([
        session.api.get<{ entries: RegistryEntry[] }>('/v1/registry/entries'),
        session.api.get<{ rollouts: RolloutView[] }>('/v1/registry/rollouts'),
      ]);
      setEntries(listed.data.entries);
      setRollouts(running.data.rollouts);
    } catch (failure) {
      setError(errorText(failure));
    }
  };
  useEffect(() => {
    void load();
  }, []);

  const act = async (path: string, body: unknown) => {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      const { data } = await session.api.post<{ message: string }>(path, body);
      setMessage(data.message);
      setConfirming(null);
      await load();
    } catch (failure) {
      setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  };

  if (entries === null && !error) return <p class="muted">Loading the registry…</p>;
  const running = rollouts.filter((r) => r.rollout.status === 'running');
  const ended = rollouts.filter((r) => r.rollout.status !== 'running');
  return (
    <div class="registry">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {message && (
        <p class="notice" role="status" data-testid="registry-message">
          {message}
        </p>
      )}
      <p>
        <button disabled={busy} data-testid="registry-refresh" onClick={() => void load()}>
          Refresh
        </button>{' '}
        <span class="muted">entries of tenant {session.tenant} and the global scope</span>
      </p>
      <h2>Canaries and A/B tests</h2>
      {running.length === 0 && <p class="muted">None running in tenant {session.tenant}.</p>}
      {running.map((view) => (
        <RunningRollout key={view.rollout.id} view={view} />
      ))}
      {ended.length > 0 && (
        <table data-testid="ended-rollouts">
          <caption>Ended</caption>
          <thead>
            <tr>
              <th>rollout</th>
              <th>kind</th>
              <th>treatment</th>
              <th>control</th>
              <th>status</th>
              <th>ended</th>
              <th>last decision</th>
            </tr>
          </thead>
          <tbody>
            {ended.map(({ rollout, events }) => (
              <tr key={rollout.id} data-rollout-id={rollout.id} data-status={rollout.status}>
                <td>{rollout.id}</td>
                <td>
                  {rollout.kind} of {rollout.entryKind}
                </td>
                <td>{rollout.treatmentEntryId}</td>
                <td>{rollout.controlEntryId ?? 'base'}</td>
                <td>{rollout.status}</td>
                <td>{dateTime(rollout.endedAt)}</td>
                <td>{events[events.length - 1]?.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Entries</h2>
      {entries && entries.length === 0 && (
        <p class="muted">
          No entries yet. Register one with <code>groundwork registry register --kind KIND --name NAME --version 1.0.0 --tenant {session.tenant}</code>.
        </p>
      )}
      {entries &&
        // The kinds the tenant has entries of, by name (the server's list of kinds is the registry's).
        [...new Set(entries.map((e) => e.kind))].sort().map((kind) => {
          const ofKind = entries.filter((e) => e.kind === kind);
          const canRollBack = ofKind.some((e) => e.stage === 'production' && e.tenant === session.tenant) || running.some((r) => r.rollout.entryKind === kind);
          return (
            <section key={kind} data-kind={kind} data-testid="registry-kind">
              <h3>
                {kind}{' '}
                {confirming === kind ? (
                  <span>
                    Roll back {kind} in tenant {session.tenant}?{' '}
                    <button class="danger" disabled={busy} data-testid="confirm-rollback" onClick={() => act('/v1/registry/rollback', { kind, reason: 'rollback from the web console' })}>
                      Confirm rollback
                    </button>{' '}
                    <button class="link" onClick={() => setConfirming(null)}>
                      Cancel
                    </button>
                  </span>
                ) : (
                  <button class="danger" disabled={busy || !canRollBack} data-testid="rollback" title={canRollBack ? 'stop a running canary or A/B test, else restore the production entry this one replaced' : 'nothing of this kind to roll back in this tenant'} onClick={() => setConfirming(kind)}>
                    Roll back
                  </button>
                )}
              </h3>
              <table>
                <thead>
                  <tr>
                    <th>id</th>
                    <th>scope</th>
                    <th>name</th>
                    <th>version</th>
                    <th>stage</th>
                    <th>EXP records</th>
                    <th>created</th>
                    <th></th>
                  </tr>
                </thead>
                <tbody>
                  {ofKind.map((entry) => {
                    const needs = entry.stage === 'staging' ? approvalNeeded(entry, entries) : undefined;
                    return (
                      <tr key={entry.id} data-entry-id={entry.id} data-stage={entry.stage}>
                        <td>{entry.id}</td>
                        <td>{entry.tenant === GLOBAL_SCOPE ? 'global' : entry.tenant}</td>
                        <td title={entry.description}>{entry.name}</td>
                        <td>{entry.version}</td>
                        <td data-testid="stage">{entry.stage}</td>
                        <td>
                          {entry.experimentIds.map((id) => (
                            <a key={id} href="#experiments" title="open the Experiments tab">
                              <code>{id}</code>{' '}
                            </a>
                          ))}
                        </td>
                        <td>{dateTime(entry.createdAt)}</td>
                        <td>
                          {entry.stage === 'dev' && (
                            <button disabled={busy} data-testid="promote" onClick={() => act(`/v1/registry/entries/${entry.id}/promote`, { to: 'staging' })}>
                              Promote to staging
                            </button>
                          )}
                          {entry.stage === 'staging' && running.some((r) => r.rollout.treatmentEntryId === entry.id) && <span class="muted">in rollout</span>}
                          {entry.stage === 'staging' && !running.some((r) => r.rollout.treatmentEntryId === entry.id) && (
                            <>
                              {needs && (
                                <label>
                                  <input
                                    type="checkbox"
                                    name="approve"
                                    checked={approved.has(entry.id)}
                                    onChange={() => setApproved((all) => new Set(all.has(entry.id) ? [...all].filter((id) => id !== entry.id) : [...all, entry.id]))}
                                  />{' '}
                                  approve ({needs})
                                </label>
                              )}{' '}
                              <button
                                disabled={busy || (needs !== undefined && !approved.has(entry.id))}
                                data-testid="promote"
                                onClick={() => act(`/v1/registry/entries/${entry.id}/promote`, { to: 'production', approve: approved.has(entry.id) })}
                              >
                                Promote to production
                              </button>
                            </>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </section>
          );
        })}
    </div>
  );
}

/** A running canary or A/B test: its step, the two arms' figures and every recorded decision. */
function RunningRollout({ view }: { view: RolloutView }) {
  const { rollout, events, arms } = view;
  const steps = rollout.settings.steps ?? [];
  const where =
    rollout.kind === 'canary'
      ? `step ${rollout.step + 1} of ${steps.length || '?'}: ${percent(rollout.treatmentShare, 0)} of the traffic since ${dateTime(rollout.stepStartedAt)}${rollout.settings.windowMs ? `, held ${Math.round(rollout.settings.windowMs / 60_000)} min per step` : ''}`
      : `${percent(rollout.treatmentShare, 0)} of the users on the treatment${rollout.settings.minimumSamplePerArm ? `; ${rollout.settings.minimumSamplePerArm} rated requests per arm needed` : ''}`;
  const row = (label: string, m: ArmMetrics | undefined) => (
    <tr data-arm={label}>
      <td>
        {label} <code>{m?.arm}</code>
      </td>
      <td>{m?.requests ?? '–'}</td>
      <td>{percent(m?.errorRate)}</td>
      <td>{percent(m?.refusalRate)}</td>
      <td>{fixed(m?.p95Ms, 1)}</td>
      <td>{fixed(m?.costPerQuery, 6)}</td>
      <td>{m?.rated ?? '–'}</td>
      <td>{m && m.rated > 0 ? percent(m.positiveRate) : '–'}</td>
    </tr>
  );
  return (
    <div class="notice" data-testid="rollout" data-rollout-id={rollout.id} data-kind={rollout.kind}>
      <strong>
        {rollout.kind === 'canary' ? 'Canary' : 'A/B test'} {rollout.id} of {rollout.entryKind}: entry {rollout.treatmentEntryId} against {rollout.controlEntryId ?? 'the base configuration'}
      </strong>
      <p data-testid="rollout-step">{where}</p>
      <table data-testid="arm-metrics">
        <thead>
          <tr>
            <th>arm</th>
            <th>requests</th>
            <th>error rate</th>
            <th>refusal rate</th>
            <th>p95 ms</th>
            <th>cost / query (USD)</th>
            <th>rated</th>
            <th>positive rate</th>
          </tr>
        </thead>
        <tbody>
          {row('control', arms?.control)}
          {row('treatment', arms?.treatment)}
        </tbody>
      </table>
      <ul data-testid="rollout-events">
        {events.map((e) => (
          <li key={e.id}>
            {dateTime(e.at)} <strong>{e.event}</strong> at {percent(e.treatmentShare, 0)}: {e.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
