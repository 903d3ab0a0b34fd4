import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PACKAGE_JSON = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'package.json');

/**
 * The code version recorded with an experiment: `git:<commit>` (with `-dirty` when the work tree
 * has uncommitted changes) when `cwd` is in a git checkout and git is installed, else
 * `groundwork@<package version>`.
 */
export async function resolveCodeVersion(cwd = process.cwd()): Promise<string> {
  try {
    const { stdout: commit } = await run('git', ['rev-parse', 'HEAD'], { cwd });
    const { stdout: status } = await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd });
    return `git:${commit.trim()}${status.trim() === '' ? '' : '-dirty'}`;
  } catch {
    // Not a checkout (installed package) or no git: the package version identifies the code.
    const pkg = JSON.parse(await readFile(PACKAGE_JSON, 'utf8')) as { name: string; version: string };
    return `${pkg.name}@${pkg.version}`;
  }
}
