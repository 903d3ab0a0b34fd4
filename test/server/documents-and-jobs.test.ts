import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { openPgDb } from '../../src/db/pg-driver.js';
import type { Db } from '../../src/db/types.js';
import { createGroundwork, type Groundwork } from '../../src/groundwork.js';
import { createApp } from '../../src/server/create-app.js';
import { claimIngestJob, completeIngestJob, enqueueIngestJob, getIngestJob } from '../../src/server/ingest-jobs.js';
import { runIngestWorker } from '../../src/server/ingest-worker.js';
import { wholeDocumentChunker } from '../helpers/whole-document-chunker.js';
import { freshTestDatabase, postgresReachable } from '../helpers/postgres.js';
import { readJson, tenantKeys } from './server-fixtures.js';

/** A Markdown file of about `bytes` bytes whose first line names it. */
function markdown(name: string, bytes: number): File {
  const sentence = `The ${name} handbook explains the calibration of the ${name} torque sensor. `;
  return new File([`# ${name} handbook\n\n${sentence.repeat(Math.ceil(bytes / sentence.length))}`], `${name}.md`, { type: 'text/markdown' });
}
const form = (...files: File[]) => {
  const data = new FormData();
  for (const file of files) data.append('file', file);
  return data;
};
const open = (db?: Db) =>
  createGroundwork({ config: { dataDir: 'memory://', tenant: 'default' }, useEnvironment: false, chunker: wholeDocumentChunker('paragraph'), db });

describe('documents and jobs on PGlite', () => {
  let gw: Groundwork;
  let auth: { acme: string; globex: string };
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    gw = await open();
    auth = await tenantKeys(gw);
    app = createApp(gw, { server: { uploadJobThresholdBytes: 4000, uploadLimitBytes: 100_000 }, log: false });
  });
  afterAll(() => gw.close());
  const upload = (data: FormData, authorization = auth.acme) => app.request('/v1/documents', { method: 'POST', body: data, headers: { authorization } });

  it('ingests a small multipart upload inline and makes it searchable', async () => {
    const html = new File(['<html><head><title>Band saw guide</title></head><body><p>The band saw blade tension is set to 15000 psi.</p></body></html>'], 'saw.html');
    const data = form(markdown('lathe', 500), new File(['binary?'], 'photo.jpg'), html);
    const res = await upload(data);
    expect(res.status).toBe(200);
    const body = await readJson(res);
    expect(body.summary.documents).toMatchObject({ added: 2, skipped: 1 });
    expect(body.summary.skipped[0]).toMatchObject({ path: 'upload:photo.jpg' });
    expect(body.summary.skipped[0].reason).toMatch(/^unsupported: no loader/);
    const retrieved = await readJson(await app.request('/v1/retrieve', { method: 'POST', body: JSON.stringify({ query: 'lathe torque sensor' }), headers: { authorization: auth.acme } }));
    expect(retrieved.chunks[0]).toMatchObject({ externalId: 'lathe.md', title: 'lathe handbook' });
    const listed = await readJson(await app.request('/v1/documents', { headers: { authorization: auth.acme } }));
    expect(listed.documents.map((d: { source: string }) => d.source)).toEqual(['upload:lathe.md', 'upload:saw.html']);
    const saw = await readJson(await app.request('/v1/retrieve', { method: 'POST', body: JSON.stringify({ query: 'band saw blade tension' }), headers: { authorization: auth.acme } }));
    expect(saw.chunks[0]).toMatchObject({ externalId: 'saw.html', title: 'Band saw guide' });
  });

  it("uploads use the config's JSON field mapping and CSV options, as `groundwork ingest` does", async () => {
    const mapped = await createGroundwork({
      config: { dataDir: 'memory://', tenant: 'default', ingest: { json: { idFields: ['sku'], textFields: ['blurb'], titleFields: ['label'] }, csv: { idColumn: 'code' } } },
      useEnvironment: false,
    });
    try {
      const keys = await tenantKeys(mapped);
      const mappedApp = createApp(mapped, { log: false });
      const records = new File([JSON.stringify([{ sku: 'W-7', label: 'Winch seven', blurb: 'The winch seven drum holds forty metres of rope.' }])], 'winches.json');
      const rows = new File(['code,text\nP-2,The pulley two sheave is made of bronze.\n'], 'pulleys.csv');
      const res = await mappedApp.request('/v1/documents', { method: 'POST', body: form(records, rows), headers: { authorization: keys.acme } });
      expect(res.status).toBe(200);
      const listed = await readJson(await mappedApp.request('/v1/documents', { headers: { authorization: keys.acme } }));
      const ids = listed.documents.map((d: { externalId: string }) => d.externalId).sort();
      expect(ids).toEqual(['W-7', 'pulleys.csv#P-2']);
      expect(listed.documents.find((d: { externalId: string }) => d.externalId === 'W-7').title).toBe('Winch seven');
    } finally {
      await mapped.close();
    }
  });

  it('400 without a file or without multipart, 403 naming another tenant, 413 over the upload limit', async () => {
    const empty = new FormData();
    empty.append('note', 'no files');
    const noFile = await upload(empty);
    expect(noFile.status).toBe(400);
    expect((await readJson(noFile)).error.details.field).toBe('file');
    const notMultipart = await app.request('/v1/documents', { method: 'POST', body: '{}', headers: { authorization: auth.acme, 'content-type': 'application/json' } });
    expect(notMultipart.status).toBe(400);
    const other = form(markdown('press', 300));
    other.append('tenant', 'globex');
    expect((await upload(other)).status).toBe(403);
    const huge = await upload(form(markdown('huge', 150_000)));
    expect(huge.status).toBe(413);
    expect((await readJson(huge)).error.code).toBe('TOO_LARGE');
  });

  it('queues a large upload (202), a worker drains it, and the job reports done', async () => {
    const res = await upload(form(markdown('mill', 3000), markdown('drill-press', 3000)));
    expect(res.status).toBe(202);
    const accepted = await readJson(res);
    expect(res.headers.get('location')).toBe(`/v1/jobs/${accepted.jobId}`);
    const queued = await readJson(await app.request(`/v1/jobs/${accepted.jobId}`, { headers: { authorization: auth.acme } }));
    expect(queued).toMatchObject({ status: 'queued', tenant: 'acme', fileCount: 2 });
    expect((await readJson(await app.request('/v1/retrieve', { method: 'POST', body: JSON.stringify({ query: 'mill torque' }), headers: { authorization: auth.acme } }))).chunks.map((c: { externalId: string }) => c.externalId)).not.toContain('mill.md');

    const summary = await runIngestWorker({ groundwork: gw, once: true, workerId: 'test-worker' });
    expect(summary.done).toEqual([accepted.jobId]);
    const done = await readJson(await app.request(`/v1/jobs/${accepted.jobId}`, { headers: { authorization: auth.acme } }));
    expect(done.status).toBe('done');
    expect(done.result.documents.added).toBe(2);
    expect(done.finishedAt).not.toBeNull();
    const { rows } = await gw.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ingest_job_files WHERE job_id = $1::uuid', [accepted.jobId]);
    expect(rows[0].n).toBe(0);
    const retrieved = await readJson(await app.request('/v1/retrieve', { method: 'POST', body: JSON.stringify({ query: 'mill torque sensor' }), headers: { authorization: auth.acme } }));
    expect(retrieved.chunks.map((c: { externalId: string }) => c.externalId)).toContain('mill.md');
    // The job's documents belong to its tenant only.
    const globex = await readJson(await app.request('/v1/retrieve', { method: 'POST', body: JSON.stringify({ query: 'mill torque sensor' }), headers: { authorization: auth.globex } }));
    expect(globex.chunks).toEqual([]);
  });

  it('gives a job whose lease ran out to another worker; the first one can no longer complete it', async () => {
    const job = await enqueueIngestJob(gw.db, 'acme', [{ name: 'a.md', bytes: new TextEncoder().encode('# A\n\nalpha text') }]);
    const first = await claimIngestJob(gw.db, 'worker-a', 1);
    expect(first?.id).toBe(job.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await claimIngestJob(gw.db, 'worker-b', 60_000);
    expect(second).toMatchObject({ id: job.id, attempts: 2 });
    const summary = { documents: { added: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0 }, chunks: 0, tokens: 0, skipped: [], truncated: 0, notices: [], dryRun: false, durationMs: 0 };
    expect(await completeIngestJob(gw.db, job.id, 'worker-a', summary)).toBe(false);
    expect(await completeIngestJob(gw.db, job.id, 'worker-b', summary)).toBe(true);
    expect((await getIngestJob(gw.db, 'acme', job.id)).status).toBe('done');
  });
});

const pgAvailable = await postgresReachable();

describe.runIf(pgAvailable)('job queue on PostgreSQL', () => {
  let url: string;
  const pools: Db[] = [];
  beforeAll(async () => {
    url = await freshTestDatabase(`server_jobs_${process.pid}`);
  });
  afterAll(async () => {
    await Promise.all(pools.map((db) => db.close()));
  });
  const pool = async () => {
    const db = await openPgDb({ connectionString: url });
    pools.push(db);
    await migrate(db);
    return db;
  };

  it('two workers (separate connection pools) never take the same job', async () => {
    const first = await open(await pool());
    const second = await open(await pool());
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const job = await enqueueIngestJob(first.db, 'acme', [{ name: `doc-${i}.md`, bytes: new TextEncoder().encode(`# Doc ${i}\n\nPart number ${i} of the catalogue.`) }]);
      ids.push(job.id);
    }
    const [a, b] = await Promise.all([
      runIngestWorker({ groundwork: first, once: true, workerId: 'worker-a' }),
      runIngestWorker({ groundwork: second, once: true, workerId: 'worker-b' }),
    ]);
    const taken = [...a.done, ...b.done];
    expect(taken.sort()).toEqual([...ids].sort());
    expect(new Set(taken).size).toBe(taken.length);
    const { rows } = await first.db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM ingest_jobs');
    expect(rows.every((r) => r.status === 'done' && r.attempts === 1)).toBe(true);
  });

  it('concurrent claims from two pools hand out each job exactly once', async () => {
    const [left, right] = [await pool(), await pool()];
    const ids = new Set<string>();
    for (let i = 0; i < 10; i++) ids.add((await enqueueIngestJob(left, 'acme', [{ name: `c-${i}.md`, bytes: new Uint8Array([65]) }])).id);
    const claims = await Promise.all(Array.from({ length: 30 }, (_, i) => claimIngestJob(i % 2 ? left : right, `claimer-${i}`)));
    const got = claims.filter((c) => c !== undefined).map((c) => c!.id);
    expect(got.sort()).toEqual([...ids].sort());
  });

  it('serves a big upload end to end: 202, worker, GET /v1/jobs/:id done', async () => {
    const gw = await open(await pool());
    const keys = await tenantKeys(gw);
    const app = createApp(gw, { server: { uploadJobThresholdBytes: 1000 }, log: false });
    const res = await app.request('/v1/documents', { method: 'POST', body: form(markdown('grinder', 5000)), headers: { authorization: keys.acme } });
    expect(res.status).toBe(202);
    const { jobId } = await readJson(res);
    const worker = await open(await pool());
    await runIngestWorker({ groundwork: worker, once: true });
    const job = await readJson(await app.request(`/v1/jobs/${jobId}`, { headers: { authorization: keys.acme } }));
    expect(job).toMatchObject({ status: 'done', result: { documents: { added: 1 } } });
  });
});
