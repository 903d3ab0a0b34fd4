import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { InputError } from '../errors.js';
import type { LoadSkip } from './loaders/load-skip.js';

/** Files everyone means when they say "my documents": everything not hidden. */
export const DEFAULT_INCLUDE = ['**/*'];
/** Dependency and VCS folders are never documents: always excluded, whatever else is. */
export const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.git/**'];
/** Ignore files read in every folder when respectGitignore is on (gitignore syntax). */
export const IGNORE_FILE_NAMES = ['.gitignore', '.groundworkignore'];

export interface WalkOptions {
  /** Globs (picomatch, relative to the root, posix separators) a file must match. */
  include?: string[];
  /** Globs that exclude files and prune folders, in addition to DEFAULT_EXCLUDE. */
  exclude?: string[];
  /** Honor .gitignore and .groundworkignore files found in the tree (default true). */
  respectGitignore?: boolean;
}

/** A file found under a root, or something not followed with the reason. */
export type WalkEntry =
  | { kind: 'file'; path: string; relativePath: string; root: string }
  | ({ kind: 'skipped' } & LoadSkip);

/**
 * Walks files under the given roots (files or folders) in sorted order. Globs filter files;
 * ignore files apply to their own folder and below, as in git. Symbolic links are followed only when
 * they resolve inside one of the roots; others are reported as 'outside-root'. Cycles are walked once.
 * A root that does not exist (or cannot be read) is the caller's mistake, not a skip: the first step
 * throws an InputError naming it, before any file is yielded.
 */
export async function* walkFiles(roots: string[], options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const included = picomatch(options.include?.length ? options.include : DEFAULT_INCLUDE);
  const excluded = picomatch([...DEFAULT_EXCLUDE, ...(options.exclude ?? [])]);
  const respectGitignore = options.respectGitignore ?? true;
  const realRoots: string[] = [];
  const rootStats = new Map<string, Awaited<ReturnType<typeof stat>>>();
  for (const root of roots) {
    const absolute = resolve(root);
    try {
      rootStats.set(absolute, await stat(absolute));
      realRoots.push(await realpath(absolute));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const what = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (error as Error).message})`;
      throw new InputError('path', `${root} ${what}${absolute === root ? '' : ` (${absolute})`}`, { path: root });
    }
  }
  const inside = (real: string) => realRoots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : root + sep));
  const visitedDirectories = new Set<string>();

  for (const root of roots) {
    const absolute = resolve(root);
    const rootStat = rootStats.get(absolute)!;
    if (rootStat.isFile()) {
      yield { kind: 'file', path: absolute, relativePath: basename(absolute), root: absolute };
      continue;
    }
    const stack: Array<{ base: string; rules: Ignore }> = [];
    yield* walkDirectory(absolute, '');

    async function* walkDirectory(directory: string, relativeDirectory: string): AsyncGenerator<WalkEntry> {
      const real = await realpath(directory);
      if (visitedDirectories.has(real)) return;
      visitedDirectories.add(real);
      let entries: Dirent[];
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        yield { kind: 'skipped', path: directory, reason: 'unreadable', message: (error as NodeJS.ErrnoException).code ?? String(error) };
        return;
      }
      let pushed = 0;
      if (respectGitignore) {
        for (const name of IGNORE_FILE_NAMES) {
          const content = await readFile(join(directory, name), 'utf8').catch(() => undefined);
          if (content !== undefined) {
            stack.push({ base: relativeDirectory, rules: ignore().add(content) });
            pushed++;
          }
        }
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        const path = join(directory, entry.name);
        const relativePath = relativeDirectory ? `${relativeDirectory}/${entry.name}` : entry.name;
        let isDirectory = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          let target: string;
          try {
            target = await realpath(path);
          } catch (error) {
            yield { kind: 'skipped', path, reason: 'unreadable', message: `broken symbolic link (${(error as NodeJS.ErrnoException).code})` };
            continue;
          }
          if (!inside(target)) {
            yield { kind: 'skipped', path, reason: 'outside-root', message: `symbolic link to ${target}, outside the ingest roots` };
            continue;
          }
          const targetStat = await stat(target);
          isDirectory = targetStat.isDirectory();
          isFile = targetStat.isFile();
        }
        if (isIgnored(relativePath, isDirectory)) continue;
        if (isDirectory) {
          if (excluded(relativePath) || excluded(`${relativePath}/`)) continue;
          yield* walkDirectory(path, relativePath);
        } else if (isFile && included(relativePath) && !excluded(relativePath)) {
          yield { kind: 'file', path, relativePath, root: absolute };
        }
      }
      stack.length -= pushed;
    }

    /** Outer ignore files first; a deeper file's rule (including a `!` negation) overrides. */
    function isIgnored(relativePath: string, isDirectory: boolean): boolean {
      let ignored = false;
      for (const { base, rules } of stack) {
        const local = base ? relative(base, relativePath).split(sep).join('/') : relativePath;
        const verdict = rules.test(isDirectory ? `${local}/` : local);
        if (verdict.ignored) ignored = true;
        else if (verdict.unignored) ignored = false;
      }
      return ignored;
    }
  }
}
