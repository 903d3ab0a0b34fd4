import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBeirDataset } from '../../src/eval/beir-dataset.js';
import { hashDatasetFiles } from '../../src/eval/dataset-hash.js';
import { loadGoldenSet, parseGoldenSet } from '../../src/eval/golden-set.js';
import { parseQrels } from '../../src/eval/qrels.js';
import { formatTrecRun, parseTrecRun } from '../../src/eval/trec-run.js';

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');

describe('TREC runs and qrels', () => {
  it('round-trips a run and re-sorts by score with trec_eval tie-breaking', () => {
    const text = formatTrecRun(new Map([['q1', [{ docId: 'a', score: 2 }, { docId: 'b', score: 1.5 }]]]), 'mine');
    expect(text).toBe('q1 Q0 a 1 2 mine\nq1 Q0 b 2 1.5 mine\n');
    const run = parseTrecRun('q1 Q0 a 1 1 t\nq1 Q0 c 3 2 t\nq1 Q0 b 2 1 t\n');
    expect(run.get('q1')!.map((d) => d.docId)).toEqual(['c', 'b', 'a']);
  });

  it('names the line of a malformed run', () => {
    expect(() => parseTrecRun('q1 Q0 a 1 1 t\nq1 Q0 b 2 x t\n', 'run.trec')).toThrow(/run\.trec:2: score "x"/);
    expect(() => parseTrecRun('q1 Q0 a 1\n', 'run.trec')).toThrow(/run\.trec:1: expected 6 fields/);
    expect(() => parseTrecRun('q1 Q0 a 1 1 t\nq1 Q0 a 2 1 t\n')).toThrow(/appears twice/);
    expect(() => formatTrecRun(new Map([['q 1', [{ docId: 'a', score: 1 }]]]))).toThrow(/queryId/);
  });

  it('reads BEIR TSV with header and TREC 4-column qrels', () => {
    const beir = parseQrels('query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td2\t0\nq2\td3\t1\n');
    expect(beir.get('q1')).toEqual(new Map([['d1', 2], ['d2', 0]]));
    const trec = parseQrels('q1 0 d1 2\nq1 0 d2 0\n');
    expect(trec.get('q1')).toEqual(new Map([['d1', 2], ['d2', 0]]));
    expect(() => parseQrels('q1 0 d1 x\n', 'q.txt')).toThrow(/q\.txt:1: relevance "x"/);
    expect(() => parseQrels('q1 0 d1 1\nq2 d2 1\n', 'q.txt')).toThrow(/q\.txt:2: expected 4 fields/);
  });
});

describe('BEIR layout and dataset hash', () => {
  async function writeDataset(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'gw-beir-'));
    await mkdir(join(dir, 'qrels'));
    await writeFile(join(dir, 'corpus.jsonl'), '{"_id":"d1","title":"T","text":"alpha"}\n{"_id":2,"text":"beta"}\n');
    await writeFile(join(dir, 'queries.jsonl'), '{"_id":"q1","text":"alpha?"}\n{"_id":"q9","text":"unjudged"}\n');
    await writeFile(join(dir, 'qrels', 'test.tsv'), 'query-id\tcorpus-id\tscore\nq1\td1\t1\n');
    return dir;
  }

  it('loads corpus, judged queries and qrels, with a hash that tracks content', async () => {
    const dir = await writeDataset();
    const dataset = await loadBeirDataset(dir);
    expect(dataset.corpus.map((d) => d._id)).toEqual(['d1', '2']);
    expect(dataset.queries.map((q) => q._id)).toEqual(['q1']);
    expect(dataset.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await hashDatasetFiles(dir, ['queries.jsonl', 'corpus.jsonl', 'qrels/test.tsv'])).toBe(dataset.hash);
    await writeFile(join(dir, 'corpus.jsonl'), '{"_id":"d1","title":"T","text":"alpha!"}\n{"_id":2,"text":"beta"}\n');
    expect((await loadBeirDataset(dir)).hash).not.toBe(dataset.hash);
  });

  it('errors name the file, line and field', async () => {
    const dir = await writeDataset();
    await writeFile(join(dir, 'queries.jsonl'), '{"_id":"q1","text":"ok"}\n{"_id":"q2"}\n');
    await expect(loadBeirDataset(dir)).rejects.toThrow(/queries\.jsonl:2: text:/);
    await expect(loadBeirDataset(dir, { split: 'dev' })).rejects.toThrow(/qrels\/dev\.tsv not found/);
  });
});

describe('golden set', () => {
  it('the shipped golden set is valid: >= 100 questions, >= 30 unanswerable, every cited document exists', async () => {
    const golden = await loadGoldenSet(join(SAMPLES, 'golden.jsonl'));
    expect(golden.items.length).toBeGreaterThanOrEqual(100);
    expect(golden.items.filter((item) => !item.answerable).length).toBeGreaterThanOrEqual(30);
    for (const item of golden.items.filter((i) => i.answerable)) {
      expect(item.relevant_doc_ids.length, item.id).toBeGreaterThan(0);
      expect(item.reference_answer, item.id).toBeDefined();
      for (const docId of item.relevant_doc_ids) await readFile(join(SAMPLES, 'corpus', docId));
    }
    expect(golden.qrels.size).toBe(golden.items.filter((i) => i.answerable).length);
  });

  it('a path relative to the working directory is read once, not resolved twice, and hashes as the absolute path does', async () => {
    const absolute = await loadGoldenSet(join(SAMPLES, 'golden.jsonl'));
    const relativePath = relative(process.cwd(), join(SAMPLES, 'golden.jsonl'));
    expect(relativePath).toContain('/');
    const fromRelative = await loadGoldenSet(relativePath);
    expect(fromRelative.hash).toBe(absolute.hash);
  });

  it('reports the line and field of a bad item and rejects duplicate ids', () => {
    const good = '{"id":"a","question":"Q?","answerable":true,"relevant_doc_ids":["x.md"]}';
    expect(() => parseGoldenSet(`${good}\n{"id":"b","question":"Q?"}\n`, 'g.jsonl')).toThrow(/g\.jsonl:2: answerable:/);
    expect(() => parseGoldenSet(`${good}\n${good}\n`, 'g.jsonl')).toThrow(/g\.jsonl:2: id "a" already used on line 1/);
    expect(() => parseGoldenSet('{"id":"c","question":"Q?","answerable":false,"relevant_doc_ids":["x.md"]}', 'g.jsonl')).toThrow(
      /g\.jsonl:1: relevant_doc_ids: an unanswerable question/,
    );
    expect(() => parseGoldenSet('{"id":"c","question":"Q?","answerable":true,"extra":1}', 'g.jsonl')).toThrow(/g\.jsonl:1/);
    expect(() => parseGoldenSet('not json', 'g.jsonl')).toThrow(/g\.jsonl:1: invalid JSON/);
  });
});
