import { useEffect, useRef, useState } from 'preact/hooks';
import { DocumentPanel, type PassageTarget } from './document-panel.js';
import { bytes, dateTime, errorText } from './format.js';
import type { Session } from './session.js';
import type { DocumentList, DocumentSummary, IngestJob, IngestSummary, UploadResult } from './wire-types.js';

/** How often a queued ingest job is polled (`GET /v1/jobs/:id`). */
const JOB_POLL_MS = 1_000;

type Upload = { name: string; loaded: number; total: number; state: 'sending' | 'ingesting' | 'done' | 'error'; message?: string };

/** Documents: list, upload with progress, delete, and the ingest jobs of large uploads. */
export function DocumentsView({ session, active }: { session: Session; active: boolean }) {
  const [documents, setDocuments] = useState<DocumentSummary[]>([]);
  const [nextAfter, setNextAfter] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [upload, setUpload] = useState<Upload | null>(null);
  const [jobs, setJobs] = useState<IngestJob[]>([]);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [open, setOpen] = useState<PassageTarget | null>(null);
  const [jobId, setJobId] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);

  const load = async (after = 0) => {
    try {
      const { data } = await session.api.get<DocumentList>(`/v1/documents?limit=100${after ? `&after=${after}` : ''}`);
      setDocuments((current) => (after ? [...current, ...data.documents] : data.documents));
      setNextAfter(data.nextAfter);
      setError(null);
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  useEffect(() => {
    if (active) void load();
  }, [active]);

  // Poll queued and running jobs until they finish; a finished job refreshes the list.
  useEffect(() => {
    const pending = jobs.filter((job) => job.status === 'queued' || job.status === 'running');
    if (pending.length === 0) return;
    const timer = setTimeout(async () => {
      const updated = await Promise.all(pending.map((job) => session.api.get<IngestJob>(`/v1/jobs/${job.id}`).then((r) => r.data, () => job)));
      setJobs((all) => all.map((job) => updated.find((u) => u.id === job.id) ?? job));
      if (updated.some((job) => job.status === 'done')) void load();
    }, JOB_POLL_MS);
    return () => clearTimeout(timer);
  }, [jobs]);

  const send = async () => {
    const files = [...(fileInput.current?.files ?? [])];
    if (files.length === 0) return setError('choose one or more files to upload');
    const name = files.length === 1 ? files[0].name : `${files.length} files`;
    setUpload({ name, loaded: 0, total: files.reduce((sum, f) => sum + f.size, 0), state: 'sending' });
    try {
      const { data } = await session.api.upload<UploadResult>('/v1/documents', files, (progress) =>
        setUpload((u) => u && { ...u, loaded: progress.loaded, total: progress.total, state: progress.loaded >= progress.total ? 'ingesting' : 'sending' }),
      );
      if (data.status === 'done') {
        setUpload((u) => u && { ...u, loaded: u.total, state: 'done', message: summaryText(data.summary) });
        await load();
      } else {
        setUpload((u) => u && { ...u, loaded: u.total, state: 'done', message: `queued as ingest job ${data.jobId}` });
        const { data: job } = await session.api.get<IngestJob>(`/v1/jobs/${data.jobId}`);
        setJobs((all) => [job, ...all]);
        // A job the worker finished before this first look is never polled: refresh the list now.
        if (job.status === 'done') await load();
      }
      if (fileInput.current) fileInput.current.value = '';
    } catch (failure) {
      setUpload((u) => u && { ...u, state: 'error', message: errorText(failure) });
    }
  };

  const remove = async (id: number) => {
    setConfirming(null);
    try {
      await session.api.delete(`/v1/documents/${id}`);
      setDocuments((all) => all.filter((d) => d.id !== id));
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <div class="documents">
      <form
        class="upload"
        onSubmit={(event) => {
          event.preventDefault();
          void send();
        }}
      >
        <input type="file" name="file" multiple ref={fileInput} />
        <button type="submit" disabled={upload?.state === 'sending' || upload?.state === 'ingesting'}>
          Upload
        </button>
        {upload && (
          <span class="upload-status" data-testid="upload-status" data-state={upload.state}>
            <progress max={upload.total || 1} value={upload.loaded} data-testid="upload-progress" /> {upload.name}: {bytes(upload.loaded)} of {bytes(upload.total)}
            {upload.state === 'ingesting' && ' sent, ingesting…'}
            {upload.message && ` · ${upload.message}`}
          </span>
        )}
      </form>
      <form
        class="job-lookup"
        onSubmit={async (event) => {
          event.preventDefault();
          const id = jobId.trim();
          if (!id) return;
          try {
            const { data } = await session.api.get<IngestJob>(`/v1/jobs/${encodeURIComponent(id)}`);
            setJobs((all) => [data, ...all.filter((job) => job.id !== data.id)]);
            setJobId('');
            setError(null);
          } catch (failure) {
            setError(errorText(failure));
          }
        }}
      >
        <input name="jobId" value={jobId} onInput={(e) => setJobId(e.currentTarget.value)} placeholder="ingest job id (from a 202 upload)" size={40} />
        <button type="submit">Show job</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {jobs.length > 0 && (
        <table class="jobs" data-testid="jobs">
          <caption>Ingest jobs</caption>
          <thead>
            <tr>
              <th>job</th>
              <th>status</th>
              <th>files</th>
              <th>size</th>
              <th>result</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <tr key={job.id} data-status={job.status}>
                <td>
                  <code>{job.id}</code>
                </td>
                <td>{job.status}</td>
                <td>{job.fileCount}</td>
                <td>{bytes(job.totalBytes)}</td>
                <td>{job.error ?? (job.result ? summaryText(job.result) : '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <table class="document-list" data-testid="document-list">
        <thead>
          <tr>
            <th>id</th>
            <th>title</th>
            <th>file</th>
            <th>chunks</th>
            <th>tokens</th>
            <th>updated</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          {documents.map((d) => (
            <tr key={d.id} data-document-id={d.id}>
              <td>{d.id}</td>
              <td>
                <button class="link" onClick={() => setOpen({ documentId: d.id, title: d.title || d.externalId })}>
                  {d.title || '(untitled)'}
                </button>
              </td>
              <td>
                <code>{d.externalId}</code>
              </td>
              <td>{d.chunkCount}</td>
              <td>{d.tokenCount}</td>
              <td>{dateTime(d.updatedAt)}</td>
              <td>
                {confirming === d.id ? (
                  <>
                    <button class="danger" onClick={() => remove(d.id)}>
                      Really delete
                    </button>{' '}
                    <button class="link" onClick={() => setConfirming(null)}>
                      keep
                    </button>
                  </>
                ) : (
                  <button class="link" onClick={() => setConfirming(d.id)}>
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {documents.length === 0 && !error && <p class="muted">No documents in tenant {session.tenant} yet: upload some above.</p>}
      {nextAfter !== null && (
        <button class="link" onClick={() => load(nextAfter)}>
          more documents…
        </button>
      )}
      {open && <DocumentPanel session={session} target={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function summaryText(summary: IngestSummary): string {
  const d = summary.documents;
  const parts = [`${d.added} added`, `${d.updated} updated`, `${d.unchanged} unchanged`];
  if (d.skipped) parts.push(`${d.skipped} skipped (${summary.skipped.map((s) => `${s.path}: ${s.reason}`).join('; ')})`);
  return `${parts.join(', ')}; ${summary.chunks} chunks`;
}
