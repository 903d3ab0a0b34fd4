import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkFiles, type WalkEntry } from '../../src/ingest/walk-files.js';

let base: string;
let root: string;
const files: Record<string, string> = {
  'a.md': '# a',
  'docs/b.txt': 'b',
  'docs/deep/c.md': 'c',
  'docs/deep/skip.log': 'log',
  'docs/deep/keep.log': 'keep',
  'build/out.txt': 'generated',
  'private/secret.md': 'secret',
  'node_modules/pkg/readme.md': 'dep',
  '.hidden/x.md': 'hidden',
  '.gitignore': 'build/\n*.log\n',
  'docs/deep/.gitignore': '!keep.log\n',
  '.groundworkignore': 'private/\n',
};

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'gw-walk-'));
  root = join(base, 'root');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  await writeFile(join(base, 'outside.md'), 'outside the root');
  await symlink(join(base, 'outside.md'), join(root, 'escape.md'));
  await symlink(base, join(root, 'escape-dir'));
  await symlink(join(root, 'docs'), join(root, 'docs-link'));
  await symlink(root, join(root, 'docs', 'loop'));
  await symlink(join(base, 'nowhere.md'), join(root, 'broken.md'));
});
afterAll(async () => rm(base, { recursive: true, force: true }));

async function collect(roots: string[], options = {}): Promise<WalkEntry[]> {
  const entries: WalkEntry[] = [];
  for await (const entry of walkFiles(roots, options)) entries.push(entry);
  return entries;
}
const relativeFiles = (entries: WalkEntry[]) => entries.flatMap((entry) => (entry.kind === 'file' ? [entry.relativePath] : []));

describe('walkFiles', () => {
  it('walks recursively in order, honoring .gitignore (with nested negation) and .groundworkignore', async () => {
    const entries = await collect([root]);
    // docs-link and docs/loop lead back into folders already walked: walked once.
    expect(relativeFiles(entries)).toEqual(['a.md', 'docs/b.txt', 'docs/deep/c.md', 'docs/deep/keep.log']);
  });

  it('does not follow symbolic links that leave the roots, and says so', async () => {
    const skipped = (await collect([root])).filter((entry) => entry.kind === 'skipped');
    expect(skipped.map((entry) => [entry.path.slice(root.length + 1), entry.kind === 'skipped' && entry.reason])).toEqual([
      ['broken.md', 'unreadable'],
      ['escape-dir', 'outside-root'],
      ['escape.md', 'outside-root'],
    ]);
  });

  it('applies include and exclude globs', async () => {
    expect(relativeFiles(await collect([root], { include: ['**/*.md'], exclude: ['docs/deep/**'] })).join(',')).toEqual('a.md');
    expect(relativeFiles(await collect([root], { include: ['**/*.md'], respectGitignore: false }))).toEqual(['a.md', 'docs/deep/c.md', 'private/secret.md']);
  });

  it('takes files as roots', async () => {
    const entries = await collect([join(root, 'a.md')]);
    expect(entries).toEqual([expect.objectContaining({ kind: 'file', relativePath: 'a.md' })]);
  });

  it('a missing root is an InputError naming it, thrown before any file is yielded', async () => {
    const missing = join(base, 'missing');
    const seen: WalkEntry[] = [];
    const walking = (async () => {
      for await (const entry of walkFiles([join(root, 'a.md'), missing])) seen.push(entry);
    })();
    await expect(walking).rejects.toMatchObject({ code: 'INPUT', message: `path: ${missing} does not exist`, details: { field: 'path', path: missing } });
    expect(seen).toEqual([]);
  });
});
