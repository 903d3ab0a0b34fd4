import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `groundwork <args> | head -c <bytes>` from sources in a shell; the CLI's exit code and stderr. */
async function pipeIntoHead(args: string, bytes: number): Promise<{ code: number | null; stderr: string }> {
  const script = `node --import tsx src/cli/main.ts ${args} | head -c ${bytes} >/dev/null; exit "\${PIPESTATUS[0]}"`;
  const child = spawn('bash', ['-c', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
  return { code, stderr };
}

describe('a closed stdout', () => {
  it('`tool list --json | head -c 10` exits quietly with 0, no EPIPE trace', async () => {
    const { code, stderr } = await pipeIntoHead('tool list --json', 10);
    expect(stderr).not.toMatch(/EPIPE|Unhandled|Error:/);
    expect(code).toBe(0);
  });
});
