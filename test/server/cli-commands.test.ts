import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerKeys } from '../../src/cli/commands/keys-command.js';
import { registerServe } from '../../src/cli/commands/serve-command.js';
import { registerWorker } from '../../src/cli/commands/worker-command.js';
import { createContext } from '../../src/cli/context.js';
import type { CliIo } from '../../src/cli/output.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gw-server-cli-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs one command line in-process; returns what it printed. */
async function run(argv: string[], deps: { waitForStop?: () => Promise<void>; onStdout?: (text: string) => void } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => {
      out.push(text);
      deps.onStdout?.(text);
    },
    stderr: (text) => err.push(text),
    isTty: false,
  };
  const program = new Command('groundwork').exitOverride();
  const context = createContext(io, { GROUNDWORK_DATA_DIR: dataDir }, () => ({}));
  registerKeys(program, context);
  registerServe(program, context, { waitForStop: deps.waitForStop });
  registerWorker(program, context);
  await program.parseAsync(argv, { from: 'user' });
  return { stdout: out.join(''), stderr: err.join('') };
}

describe('groundwork keys | serve | worker', () => {
  let secret = '';
  let keyId = 0;

  it('keys create prints the secret once; list never shows it; revoke marks it', async () => {
    const created = JSON.parse((await run(['keys', 'create', '--tenant', 'acme', '--name', 'ci', '--json'])).stdout);
    expect(created).toMatchObject({ tenant: 'acme', name: 'ci', revokedAt: null });
    expect(created.secret).toMatch(/^gwk_/);
    secret = created.secret;
    const other = JSON.parse((await run(['keys', 'create', '--tenant', 'acme', '--json'])).stdout);
    keyId = other.id;
    const listed = await run(['keys', 'list', '--json']);
    expect(JSON.parse(listed.stdout).keys.map((k: { id: number }) => k.id).sort()).toEqual([created.id, other.id].sort());
    expect(listed.stdout).not.toContain(secret);
    const revoked = JSON.parse((await run(['keys', 'revoke', String(keyId), '--json'])).stdout);
    expect(revoked.revokedAt).not.toBeNull();
    await expect(run(['keys', 'revoke', 'abc'])).rejects.toThrow(/<id> must be a key id/);
  });

  it('serve listens with auth on, drains uploads with its in-process worker, and stops gracefully', async () => {
    let stop: () => void = () => {};
    let listening: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => (listening = resolve));
    const serving = run(['serve', '--port', '0', '--json'], {
      waitForStop: () => new Promise<void>((resolve) => (stop = resolve)),
      onStdout: (text) => listening(JSON.parse(text).url),
    });
    const base = await url;
    try {
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/v1/documents`)).status).toBe(401);
      const auth = { authorization: `Bearer ${secret}` };
      const form = new FormData();
      form.append('file', new File([`# Big\n\n${'The compressor runs at eight bar. '.repeat(40_000)}`], 'big.md'));
      const accepted = await fetch(`${base}/v1/documents`, { method: 'POST', body: form, headers: auth });
      expect(accepted.status).toBe(202);
      const { jobId } = (await accepted.json()) as { jobId: string };
      let status = 'queued';
      for (let i = 0; i < 200 && status !== 'done' && status !== 'failed'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        status = ((await (await fetch(`${base}/v1/jobs/${jobId}`, { headers: auth })).json()) as { status: string }).status;
      }
      expect(status).toBe('done');
    } finally {
      stop();
    }
    const { stderr } = await serving;
    expect(stderr).toContain('one ingestion worker runs inside the server');
    expect(stderr).toContain('shutting down');
  });

  it('worker --once drains an empty queue and reports', async () => {
    const summary = JSON.parse((await run(['worker', '--once', '--json'])).stdout);
    expect(summary).toMatchObject({ done: [], failed: [] });
  });
});
