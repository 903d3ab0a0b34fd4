import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';
import { parseAnswerabilityModel } from '../../src/generate/answerability-model.js';

const dir = mkdtempSync(join(tmpdir(), 'gw-answerability-cli-'));
const env = { GROUNDWORK_DATA_DIR: join(dir, 'data'), PATH: process.env.PATH };

async function run(argv: string[]): Promise<string> {
  const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) } satisfies CliIo & { out: string; err: string };
  const code = await main(argv, io, env);
  if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${io.err}${io.out}`);
  return io.out;
}

/** A tiny corpus of 24 towns, one file each, and a golden set: two stated facts and one unstated per town. */
function writeTinySet(): { corpus: string; golden: string } {
  const towns = ['Arden', 'Brisk', 'Calloway', 'Dunmore', 'Elmstead', 'Fenwick', 'Glenrock', 'Harrow', 'Ivybridge', 'Juniper', 'Kestrel', 'Lowmoor', 'Marsden', 'Northcote', 'Oakhurst', 'Pinecrest', 'Quarry', 'Redfern', 'Stanway', 'Thornbury', 'Upton', 'Valemont', 'Westerly', 'Yarrow'];
  const corpus = join(dir, 'towns');
  mkdirSync(corpus, { recursive: true });
  const items: unknown[] = [];
  towns.forEach((town, k) => {
    const file = `${town.toLowerCase()}.md`;
    writeFileSync(join(corpus, file), `# ${town}\n\n${town} has a population of ${1200 + 37 * k} residents. The mayor of ${town} is Maria Lopez. The river through ${town} is called the Wend.\n`);
    const base = { relevant_doc_ids: [file], metadata: { article: town } };
    items.push({ id: `${town}-population`, question: `What is the population of ${town}?`, reference_answer: String(1200 + 37 * k), answerable: true, ...base });
    items.push({ id: `${town}-mayor`, question: `Who is the mayor of ${town}?`, reference_answer: 'Maria Lopez', answerable: true, ...base });
    items.push({ id: `${town}-airport`, question: `What is the airport code of ${town}?`, answerable: false, relevant_doc_ids: [], metadata: { article: town } });
  });
  const golden = join(dir, 'towns.jsonl');
  writeFileSync(golden, items.map((item) => JSON.stringify(item)).join('\n'));
  return { corpus, golden };
}

describe('groundwork answerability train (in-process, PGlite in a temp dir)', { timeout: 180_000 }, () => {
  it('trains on the ingested tenant, reports held-out refusal and reliability, writes the model, its card and an EXP record', async () => {
    const { corpus, golden } = writeTinySet();
    await run(['ingest', corpus, '--tenant', 'towns', '--json']);
    const out = join(dir, 'model', 'answerability.json');
    const report = JSON.parse(await run(['answerability', 'train', '--golden', golden, '--tenant', 'towns', '--max-false-refusal', '0.1', '--out', out, '--json']));
    expect(report.path).toBe(out);
    expect(report.experiment).toMatch(/^EXP-\d{4}-\d{2}-\d{2}-\d{3}$/);
    expect(report.rows.training + report.rows.heldOut).toBe(72);
    expect(report.rows.heldOut).toBeGreaterThan(0);
    expect(report.operatingPoint.maxFalseRefusal).toBe(0.1);
    // On this easy set the retrieval confidence separates the kinds too: the model must do at least as well.
    expect(report.heldOut.refusal.mean).toBeGreaterThanOrEqual(Math.max(0.8, report.baseline.refusal.mean));
    expect(report.heldOut.falseRefusal.mean).toBeLessThanOrEqual(0.25);
    expect(report.heldOut.reliability.length).toBeGreaterThan(0);
    const model = parseAnswerabilityModel(JSON.parse(readFileSync(out, 'utf8')));
    expect(model.training.dataHashes[golden]).toMatch(/^sha256:/);
    expect(existsSync(report.card)).toBe(true);
    expect(readFileSync(report.card, 'utf8')).toMatch(/# Model card: answerability/);

    const listed = JSON.parse(await run(['eval', 'list', '--tenant', 'towns', '--json'])).experiments;
    expect(listed.map((e: { id: string }) => e.id)).toContain(report.experiment);

    // The trained model in the answer path: an unstated fact is refused as unanswerable, with its score.
    const config = join(dir, 'with-model.json');
    writeFileSync(config, JSON.stringify({ generate: { answerability: { model: out } }, cache: { enabled: false } }));
    const refused = JSON.parse(await run(['--config', config, 'ask', 'What is the airport code of Harrow?', '--tenant', 'towns', '--json']));
    expect(refused).toMatchObject({ refused: true, refusalReason: 'unanswerable' });
    expect(refused.answerabilityScore).toBeLessThan(model.operatingPoint.threshold);
  });
});
