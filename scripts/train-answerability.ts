/**
 * Trains the answer-or-refuse model that ships with the package (models/answerability/default.json),
 * from public data only, reproducibly (deterministic splits, seeded sampling):
 * - squad2-train-sample (../shared/datasets/squad2-train-sample): the tuning two thirds of the
 *   articles of `groupedHoldout` (the split bench/answers.ts reports on; the held-out third is never
 *   read here, not even its passages). Their passages are ingested as documents; their answerable
 *   and unanswerable questions are rows.
 * - withheld evidence: a seeded third of those passages left out of a second tenant; the answerable
 *   questions of a left-out passage whose answers appear in no remaining passage are rows labelled
 *   unanswerable (the evidence is not in the corpus).
 * - samples/golden.jsonl over samples/corpus: the tuning two thirds of `goldenHoldout` (grouped by
 *   document, unanswerable questions stratified apart; bench/answers.ts reports the held-out third).
 *   Questions about a company's own documents, whose unanswerable ones ask for something the
 *   documents never mention, unlike SQuAD's written-to-look-answerable ones.
 * Grouped by article (samples: by document) for cross-validation. Prints a JSON summary; writes the model and its card.
 *   node --import tsx scripts/train-answerability.ts [--backend postgres|pglite] [--out models/answerability/default.json] [--max-false-refusal 0.05]
 */
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDatabase } from '../bench/bench-database.js';
import type { ConfigInput } from '../src/config/schema.js';
import { rocAuc } from '../src/classic-ml/metrics/ranking-scores.js';
import { answerabilityExperimentInput, answerabilityModelCard } from '../src/eval/answerability-experiment.js';
import { answerabilityRows } from '../src/eval/answerability-rows.js';
import { hashDatasetFiles } from '../src/eval/dataset-hash.js';
import { parseGoldenSet, type GoldenItem } from '../src/eval/golden-set.js';
import { goldenGroup, goldenHoldout } from '../src/eval/golden-holdout.js';
import { groupedHoldout } from '../src/eval/grouped-holdout.js';
import { withheldEvidence } from '../src/eval/withheld-evidence.js';
import { confidenceBaseline, trainAnswerability, type AnswerabilityRow } from '../src/generate/train-answerability.js';
import { createGroundwork } from '../src/groundwork.js';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'postgres' },
    squad: { type: 'string', default: '../shared/datasets/squad2-train-sample' },
    out: { type: 'string', default: 'models/answerability/default.json' },
    'max-false-refusal': { type: 'string', default: '0.05' },
    'rows-cache': { type: 'string' },
  },
});
/** Seed of the withheld-passage draw; the article split itself is seedless (SHA-256 order). */
const SEED = 19;
/** Share of the training passages withheld from the second tenant. */
const WITHHELD_SHARE = 1 / 3;

const started = performance.now();
const squad = values.squad!;
const goldenText = await readFile(join(squad, 'golden.jsonl'), 'utf8');
const all = parseGoldenSet(goldenText);
const articleOf = (item: GoldenItem) => String(item.metadata.article);
const impossible = new Set(all.filter((item) => !item.answerable).map(articleOf));
const split = groupedHoldout(all.map(articleOf), { strataOf: (article) => (impossible.has(article) ? 'has-unanswerable' : 'answerable-only') });
const trainArticles = new Set(split.tuning);
const items = all.filter((item) => trainArticles.has(articleOf(item)));
const passages = [...new Set(items.flatMap((item) => item.relevant_doc_ids))].sort();
// Passages of training articles without questions are still part of those articles' corpus.
const allPassages = (await readdir(join(squad, 'passages'))).sort();
const articleOfPassage = new Map<string, string>();
for (const item of all) for (const id of item.relevant_doc_ids) articleOfPassage.set(id, articleOf(item));
const trainPassages = allPassages.filter((file) => trainArticles.has(articleOfPassage.get(file) ?? '') || passages.includes(file));

const samplesItems = goldenHoldout(parseGoldenSet(await readFile('samples/golden.jsonl', 'utf8'))).tuning;
const samplesGroup = (item: GoldenItem) => `samples:${goldenGroup(item)}`;

const passageText = new Map(await Promise.all(trainPassages.map(async (file) => [file, await readFile(join(squad, 'passages', file), 'utf8')] as const)));
const { withheld, remaining, items: withheldItems } = withheldEvidence(items, passageText, { share: WITHHELD_SHARE, seed: SEED });

const scratch = await mkdtemp(join(tmpdir(), 'gw-train-answerability-'));
const config: ConfigInput = values.backend === 'postgres' ? { databaseUrl: await benchDatabase('gw_train_answerability') } : { dataDir: join(scratch, 'data') };
const gw = await createGroundwork({ config: { ...config, cache: { enabled: false }, retrieve: { mode: 'sparse' } }, useEnvironment: false });
let rows: AnswerabilityRow[];
try {
  if (values['rows-cache'] && (await readFile(values['rows-cache'], 'utf8').catch(() => undefined))) {
    rows = JSON.parse(await readFile(values['rows-cache'], 'utf8')) as AnswerabilityRow[];
  } else {
    for (const [tenant, files] of [['answerability-full', trainPassages], ['answerability-withheld', remaining]] as const) {
      const dir = join(scratch, tenant);
      await mkdir(dir, { recursive: true });
      await Promise.all(files.map((file) => copyFile(join(squad, 'passages', file), join(dir, file))));
      await gw.ingest([dir], { tenant });
    }
    await gw.ingest(['samples/corpus'], { tenant: 'answerability-samples' });
    const full = await answerabilityRows(gw, items, { tenant: 'answerability-full', mode: 'sparse', groupOf: articleOf });
    const left = await answerabilityRows(gw, withheldItems, { tenant: 'answerability-withheld', mode: 'sparse', groupOf: articleOf });
    const samples = await answerabilityRows(gw, samplesItems, { tenant: 'answerability-samples', mode: 'sparse', groupOf: samplesGroup });
    rows = [...full, ...left, ...samples];
    if (values['rows-cache']) await writeFile(values['rows-cache'], JSON.stringify(rows));
  }
} finally {
  await gw.close();
  await rm(scratch, { recursive: true, force: true });
}

const maxFalseRefusal = Number(values['max-false-refusal']);
const dataHashes = {
  'squad2-train-sample/golden.jsonl': await hashDatasetFiles(squad, ['golden.jsonl']),
  'squad2-train-sample/passages (training articles)': await hashDatasetFiles(join(squad, 'passages'), trainPassages),
  'samples/golden.jsonl': await hashDatasetFiles('samples', ['golden.jsonl']),
};
const trained = trainAnswerability(rows, {
  maxFalseRefusal,
  seed: SEED,
  dataHashes,
  sources: [
    'squad2-train-sample: tuning two thirds of the articles (groupedHoldout by article)',
    `withheld evidence: ${withheld.size} of ${trainPassages.length} passages left out (seed ${SEED})`,
    `samples/golden.jsonl: tuning two thirds (goldenHoldout by document), ${samplesItems.length} questions`,
  ],
  now: new Date('2026-12-07T00:00:00Z'),
});
// The confidence-threshold baseline at the same budget, fitted and scored on all training rows (in-sample: flatters the baseline).
const baseline = confidenceBaseline(rows, rows, maxFalseRefusal, SEED);
const model = trained.model;
model.evaluation.baselineConfidenceThreshold = { falseRefusal: baseline.falseRefusal.mean, refusal: baseline.refusal.mean, threshold: baseline.threshold, note: 'fitted and scored on the training rows (optimistic for the baseline)' };
// Out-of-fold ROC AUC per kind of unanswerable question (each against every answerable one): where the model separates, and where not.
const aucAgainstAnswerable = (kind: (row: AnswerabilityRow) => boolean) => {
  const index = rows.flatMap((row, i) => (row.answerable || kind(row) ? [i] : []));
  return rocAuc(index.map((i) => (rows[i].answerable ? 1 : 0)), index.map((i) => trained.crossValidatedScores[i]));
};
const isWithheld = (row: AnswerabilityRow) => row.id.endsWith('-withheld');
const isSamples = (row: AnswerabilityRow) => row.group.startsWith('samples:');
model.evaluation.crossValidatedRocAucByKind = {
  withheldEvidence: aucAgainstAnswerable(isWithheld),
  squadUnanswerable: aucAgainstAnswerable((row) => !isWithheld(row) && !isSamples(row)),
  samplesUnanswerable: aucAgainstAnswerable(isSamples),
};
const limitations = [
  `Out of fold it separates withheld-evidence questions from answerable ones (ROC AUC ${aucAgainstAnswerable(isWithheld).toFixed(3)}) but not SQuAD 2.0's unanswerable questions written to look answerable (ROC AUC ${aucAgainstAnswerable((row) => !isWithheld(row) && !isSamples(row)).toFixed(3)}; the samples' unanswerable questions ${aucAgainstAnswerable(isSamples).toFixed(3)}): lexical features do not see a swapped entity or year that the guards miss.`,
  'Trained on 6 Wikipedia articles and two thirds of the 126 sample questions: the operating point is a property of that data; recalibrate on your own golden set (`groundwork answerability train`).',
  'Features are lexical (BM25 coverage, answer types, guard mismatches): a paraphrased answer is under-scored.',
];
const out = values.out!;
await mkdir(dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(model, null, 1)}\n`);
await writeFile(out.replace(/\.json$/, '.card.md'), `${answerabilityModelCard(model, { source: model.training.sources.join('; '), limitations })}\n`);
// The EXP record's content (a store assigns its id: `groundwork answerability train` stores one in the configured database).
await writeFile(
  out.replace(/\.json$/, '.experiment.json'),
  `${JSON.stringify(answerabilityExperimentInput(model, { tenant: 'answerability-full', path: join(squad, 'golden.jsonl'), codeVersion: 'scripts/train-answerability.ts', evaluation: {}, config: { retrieve: { mode: 'sparse' }, withheldShare: WITHHELD_SHARE, seed: SEED } }), null, 1)}\n`,
);
console.log(
  JSON.stringify(
    {
      script: 'train-answerability',
      out,
      rows: rows.length,
      answerable: rows.filter((row) => row.answerable).length,
      squadUnanswerable: rows.filter((row) => !row.answerable && !row.id.endsWith('-withheld') && !isSamples(row)).length,
      samples: { answerable: rows.filter((row) => isSamples(row) && row.answerable).length, unanswerable: rows.filter((row) => isSamples(row) && !row.answerable).length },
      withheldEvidence: rows.filter((row) => row.id.endsWith('-withheld')).length,
      articles: trainArticles.size,
      operatingPoint: model.operatingPoint,
      crossValidated: model.evaluation.crossValidated,
      baselineConfidenceThreshold: model.evaluation.baselineConfidenceThreshold,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    },
    null,
    2,
  ),
);
