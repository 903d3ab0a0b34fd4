import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';

const dataDir = mkdtempSync(join(tmpdir(), 'gw-keys-server-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}
const env = (extra: Record<string, string> = {}) => ({ GROUNDWORK_DATA_DIR: dataDir, PATH: process.env.PATH, ...extra });

/** `groundwork serve` in its own process (the PGlite lock is per process), on a free port. */
async function startServe(): Promise<{ child: ChildProcess; url: string; stderr: () => string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--json'], {
    cwd: process.cwd(),
    env: { ...process.env, GROUNDWORK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += String(d);
      try {
        resolve(JSON.parse(out).url);
      } catch {
        // not the whole document yet
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  // stderr (the notes, the first-run key) is written before the JSON on stdout; let its pipe catch up.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, url, stderr: () => err, stop };
}

describe('groundwork keys while serve holds the embedded database', () => {
  it('serve prints a first admin key once; keys go through the server with it; a restart prints none', async () => {
    const first = await startServe();
    let adminKey = '';
    try {
      const keysInBanner = first.stderr().match(/gwk_[A-Za-z0-9_-]+/g) ?? [];
      expect(new Set(keysInBanner).size).toBe(1);
      adminKey = keysInBanner[0] ?? '';
      expect(first.stderr()).toMatch(/admin key 1 for tenant "default"/);
      expect(first.stderr()).toContain(`Authorization: Bearer ${adminKey}`);

      // The database is held: the error says exactly how to go through the server.
      const held = capture();
      expect(await main(['keys', 'list'], held, env())).toBe(1);
      expect(held.err).toMatch(/in use by process \d+/);
      expect(held.err).toContain('groundwork keys list --server http://127.0.0.1:8787 --admin-key <admin key>');
      expect(held.err).toMatch(/GROUNDWORK_SERVER_URL and GROUNDWORK_ADMIN_KEY/);

      // Through the server, from the environment.
      const created = capture();
      expect(await main(['keys', 'create', '--tenant', 'acme', '--name', 'ci', '--json'], created, env({ GROUNDWORK_SERVER_URL: first.url, GROUNDWORK_ADMIN_KEY: adminKey }))).toBe(0);
      const key = JSON.parse(created.out);
      expect(key).toMatchObject({ tenant: 'acme', name: 'ci', admin: false, revokedAt: null });
      expect((await fetch(`${first.url}/v1/documents`, { headers: { authorization: `Bearer ${key.secret}` } })).status).toBe(200);

      // Through the server, from the flags.
      const listed = capture();
      expect(await main(['keys', 'list', '--server', first.url, '--admin-key', adminKey, '--json'], listed, env())).toBe(0);
      expect(JSON.parse(listed.out).keys.map((k: { id: number }) => k.id).sort()).toEqual([1, key.id]);
      expect(listed.out).not.toContain(key.secret);
      const revoked = capture();
      expect(await main(['keys', 'revoke', String(key.id), '--server', first.url, '--admin-key', adminKey, '--json'], revoked, env())).toBe(0);
      expect(JSON.parse(revoked.out).revokedAt).not.toBeNull();
      expect((await fetch(`${first.url}/v1/documents`, { headers: { authorization: `Bearer ${key.secret}` } })).status).toBe(401);

      // A tenant key is not an admin key.
      const tenantKey = capture();
      await main(['keys', 'create', '--tenant', 'acme', '--json', '--server', first.url, '--admin-key', adminKey], tenantKey, env());
      const refused = capture();
      expect(await main(['keys', 'list', '--server', first.url, '--admin-key', JSON.parse(tenantKey.out).secret], refused, env())).toBe(1);
      expect(refused.err).toMatch(/403 .*admin key/);
    } finally {
      await first.stop();
    }

    const second = await startServe();
    try {
      expect(second.stderr()).not.toMatch(/gwk_/);
      expect((await fetch(`${second.url}/v1/keys`, { headers: { authorization: `Bearer ${adminKey}` } })).status).toBe(200);
    } finally {
      await second.stop();
    }

    // With no server holding the database, keys are made on it directly, admin ones too.
    const local = capture();
    expect(await main(['keys', 'create', '--tenant', 'ops', '--admin', '--json'], local, env())).toBe(0);
    expect(JSON.parse(local.out)).toMatchObject({ tenant: 'ops', admin: true });
    const table = capture();
    expect(await main(['keys', 'list'], table, env())).toBe(0);
    expect(table.out).toMatch(/^id\s+tenant\s+prefix\s+name\s+admin/);
  }, 120_000);
});
