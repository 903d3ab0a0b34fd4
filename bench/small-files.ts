/**
 * Ingest of many small files into the embedded store (PGlite), the default: SciFact's 5,183
 * abstracts as one Markdown file each, `--copies N` times (default 3: 15,549 files, ~24 MB), into a
 * fresh PGlite data dir, through what `groundwork ingest` runs (gw.ingest on the compiled code in
 * dist/, built first unless `--no-build`, in a child process so its peak RSS is its own).
 *   node --import tsx bench/small-files.ts [--copies 3] [--batch-documents N] [--big-mb 52] [--cpu-prof] [--no-breakdown] [--no-build]
 * `--big-mb N` ingests instead one Markdown file of ~N MB (SciFact abstracts as sections): 52 is
 * the largest the default limit (ingest.maxFileBytes, 50 MiB) admits. `--batch-documents N` sets
 * ingest.batchDocuments (default: the config's).
 * Prints one JSON document: files, chunks, seconds, chunks/s, peak RSS (VmHWM of the ingest
 * process), the process's CPU seconds and chunks per CPU second (comparable across machine load,
 * unlike wall time), and where the time went: each kind of SQL statement (count, seconds, mean ms of
 * its first and last tenth), BEGIN + COMMIT, maintenance (VACUUM/ANALYZE) and, measured apart in the
 * same process after the run, loading and chunking + analysis. Then an unchanged re-run.
 * `--cpu-prof` writes a V8 CPU profile of the ingest process under .bench/profiles/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string): string => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const copies = Number(flag('--copies', '3'));
const bigMb = args.includes('--big-mb') ? Number(flag('--big-mb', '50')) : undefined;
const batchDocuments = args.includes('--batch-documents') ? Number(flag('--batch-documents', '')) : undefined;
const dataset = join(process.cwd(), '..', 'shared', 'datasets', 'scifact', 'corpus.jsonl');
const corpus = readFileSync(dataset, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { _id: string; title: string; text: string });

/** The corpus as files under the system temp dir, written once and reused: `copy-K/<id>.md`. */
function smallFiles(): { dir: string; files: number; bytes: number } {
  const dir = join(tmpdir(), `gw-small-files-${copies}x`);
  const done = join(dir, '.done');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as { dir: string; files: number; bytes: number };
  rmSync(dir, { recursive: true, force: true });
  let bytes = 0;
  let files = 0;
  for (let copy = 0; copy < copies; copy += 1) {
    mkdirSync(join(dir, `copy-${copy}`), { recursive: true });
    for (const d of corpus) {
      const text = `# ${d.title}\n\n${d.text}\n`;
      writeFileSync(join(dir, `copy-${copy}`, `${d._id}.md`), text);
      bytes += Buffer.byteLength(text);
      files += 1;
    }
  }
  const made = { dir, files, bytes };
  writeFileSync(done, JSON.stringify(made));
  return made;
}

/** One Markdown file of ~mb MB: SciFact abstracts in order, as sections, repeated as needed. */
function bigFile(mb: number): { dir: string; files: number; bytes: number } {
  const dir = join(tmpdir(), `gw-big-file-${mb}mb`);
  const done = join(dir, '.done');
  if (existsSync(done)) return JSON.parse(readFileSync(done, 'utf8')) as { dir: string; files: number; bytes: number };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const parts: string[] = ['# SciFact abstracts\n\n'];
  let bytes = parts[0].length;
  for (let i = 0; bytes < mb * 1e6; i += 1) {
    const d = corpus[i % corpus.length];
    const section = `## ${d.title}\n\n${d.text}\n\n`;
    parts.push(section);
    bytes += Buffer.byteLength(section);
  }
  writeFileSync(join(dir, 'big.md'), parts.join(''));
  const made = { dir, files: 1, bytes };
  writeFileSync(done, JSON.stringify(made));
  return made;
}

if (!args.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build'], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
}
const corpusFiles = bigMb ? bigFile(bigMb) : smallFiles();
// A dot-directory beside the corpus would be walked (ignored, but walked): the data dir lives apart.
const dataDir = mkdtempSync(join(tmpdir(), 'gw-small-files-data-'));
const loadBefore = loadavg()[0];
const nodeArgs: string[] = [];
if (args.includes('--cpu-prof')) {
  const profiles = join(process.cwd(), '.bench', 'profiles');
  mkdirSync(profiles, { recursive: true });
  nodeArgs.push('--cpu-prof', '--cpu-prof-dir', profiles);
}
try {
  const job = { ...corpusFiles, dataDir, batchDocuments, skipBreakdown: args.includes('--no-breakdown') };
  const child = spawnSync(process.execPath, [...nodeArgs, fileURLToPath(new URL('./small-files-run.mjs', import.meta.url)), JSON.stringify(job)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (child.status !== 0) throw new Error(`small-files bench failed: ${child.stderr}`);
  const row = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
  process.stdout.write(
    `${JSON.stringify(
      {
        bench: bigMb ? 'big-file' : 'small-files',
        target: bigMb ? 'every file the 50 MiB limit admits, on PGlite' : '>= 1,000 chunks/s on PGlite, peak RSS < 1 GB',
        machine: `${cpus().length} cores, load average ${loadBefore.toFixed(2)} at the start`,
        ...row,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
