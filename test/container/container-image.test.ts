import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A Docker daemon answers, and the run asked for the (minutes-long) image build: GW_TEST_DOCKER=1. */
function dockerAvailable(): boolean {
  if (process.env.GW_TEST_DOCKER !== '1') return false;
  return spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

describe.runIf(dockerAvailable())('the container image (GW_TEST_DOCKER=1 with a Docker daemon)', () => {
  it('builds, runs as non-root, turns healthy, is ready and answers one question with a citation', () => {
    // NODE_IMAGE: offline, a base image imported locally with the node:20-bookworm-slim layout.
    const out = execFileSync(join(repoRoot, 'scripts', 'container-smoke.sh'), { cwd: repoRoot, encoding: 'utf8', timeout: 900_000, env: process.env });
    const result = JSON.parse(out.trim().split('\n').at(-1)!);
    expect(result).toMatchObject({ health: 'ok', ready: 200, healthcheck: 'healthy', uploaded: 'done', refused: false });
    expect(result.user).not.toBe('root');
    expect(result.citations).toContain('travel-and-expense-policy.md');
  }, 900_000);
});
