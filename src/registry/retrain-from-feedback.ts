import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Db } from '../db/types.js';
import { GroundworkError } from '../errors.js';
import { answerabilityExperimentInput, answerabilityModelCard } from '../eval/answerability-experiment.js';
import { answerabilityRows } from '../eval/answerability-rows.js';
import { resolveCodeVersion } from '../eval/code-version.js';
import { createExperimentStore } from '../eval/experiment-store.js';
import type { GoldenItem } from '../eval/golden-set.js';
import { MIN_ROWS_PER_CLASS, trainAnswerability } from '../generate/train-answerability.js';
import type { Groundwork } from '../groundwork.js';
import { majorOf } from './entry-kinds.js';
import type { RegistryEntry, RegistryStore } from './registry-store.js';

/** A question someone rated, with the label its rating implies. */
export interface LabelledQuestion {
  requestId: string;
  question: string;
  answerable: boolean;
  /** Which rule gave the label (see feedbackLabels). */
  rule: string;
}

/** What the labelling made of a tenant's feedback. */
export interface FeedbackLabels {
  rows: LabelledQuestion[];
  /** Ratings left out, by reason. */
  skipped: Record<string, number>;
  /** sha256 over the labelled rows in request-id order: the training data's identity. */
  hash: string;
}

/**
 * Labelled questions from a tenant's feedback (0011) since a time: each rating joined with the
 * question the server kept for that request and whether its answer was a refusal
 * (registry_served_questions). Labels: thumbs up on an answer = answerable; thumbs up on a refusal = unanswerable;
 * thumbs down with a correct answer = answerable (answered wrongly or refused wrongly); thumbs down
 * on an answer without one = unanswerable (the answer was wrong and no one knows a right one in the
 * documents). A thumbs down on a refusal without a correct answer says nothing about answerability
 * and is skipped; so are ratings of requests whose question was not kept.
 */
export async function feedbackLabels(db: Db, tenant: string, since: Date): Promise<FeedbackLabels> {
  const { rows, skipped, skip } = await ratedQuestions(db, tenant, since);
  const labelled: LabelledQuestion[] = [];
  for (const row of rows) {
    const corrected = row.correct_answer !== null && row.correct_answer.trim() !== '';
    const base = { requestId: row.request_id, question: row.question };
    if (row.rating === 1) labelled.push({ ...base, answerable: !row.refused, rule: row.refused ? 'up on a refusal' : 'up on an answer' });
    else if (corrected) labelled.push({ ...base, answerable: true, rule: row.refused ? 'down on a refusal, with the answer' : 'down on an answer, with the right one' });
    else if (!row.refused) labelled.push({ ...base, answerable: false, rule: 'down on an answer, no right one' });
    else skip('down on a refusal without a correct answer');
  }
  const hash = createHash('sha256');
  for (const row of labelled) hash.update(`${row.requestId}\0${row.question}\0${row.answerable}\n`);
  return { rows: labelled, skipped, hash: `sha256:${hash.digest('hex')}` };
}

/** A rating joined with the question the server kept for its request. */
export interface RatedQuestion {
  request_id: string;
  rating: number;
  correct_answer: string | null;
  question: string;
  refused: boolean;
  cited_documents: string[] | null;
}

/**
 * A tenant's ratings since a time, each joined with the question, refusal and cited documents the
 * server kept for its request (registry_served_questions), in request-id order; ratings whose
 * question was not kept are counted in `skipped` (and `skip` counts the caller's own reasons there).
 */
export async function ratedQuestions(db: Db, tenant: string, since: Date): Promise<{ rows: RatedQuestion[]; skipped: Record<string, number>; skip: (reason: string) => void }> {
  const { rows } = await db.query<Omit<RatedQuestion, 'question' | 'refused'> & { question: string | null; refused: boolean | null }>(
    `SELECT f.request_id, f.rating, f.correct_answer, q.question, q.refused, q.cited_documents
       FROM feedback f
       LEFT JOIN registry_served_questions q ON q.tenant = f.tenant AND q.request_id = f.request_id
      WHERE f.tenant = $1 AND f.updated_at >= $2
      ORDER BY f.request_id`,
    [tenant, since],
  );
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => (skipped[reason] = (skipped[reason] ?? 0) + 1);
  const kept: RatedQuestion[] = [];
  for (const row of rows) {
    if (row.question === null || row.refused === null) skip('question not kept (asked before the registry layer ran, or not through /v1/ask or the MCP ask tool)');
    else kept.push({ ...row, question: row.question, refused: row.refused });
  }
  return { rows: kept, skipped, skip };
}

/** The next version of an entry name in a scope: the latest one's minor + 1, or 1.0.0. */
export function nextVersion(existing: readonly RegistryEntry[]): string {
  if (existing.length === 0) return '1.0.0';
  const latest = [...existing].sort((a, b) => compareVersions(b.version, a.version))[0];
  const [major, minor] = latest.version.split('.').map(Number);
  majorOf(latest.version);
  return `${major}.${minor + 1}.0`;
}

function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** What a retraining run produced. */
export interface RetrainedCandidate {
  entry: RegistryEntry;
  experimentId: string;
  modelPath: string;
  modelCardPath: string;
  /**
   * What the feedback gave: labelled rows, ratings left out by reason, and the data's hash; per
   * class for the answerability model, the judged queries in all (feedback and golden) for a ranker.
   */
  labels: { rows: number; skipped: Record<string, number>; hash: string; answerable?: number; unanswerable?: number; queries?: number };
}

/**
 * Retrains the answer-or-refuse model from a tenant's feedback: labels (feedbackLabels), a check
 * that both classes have enough rows (MIN_ROWS_PER_CLASS), features computed by retrieving each
 * question as `ask` does, grouped cross-validation and calibration (trainAnswerability, the
 * production hyperparameters), then the model file and its model card under `outDir` (default
 * `<dataDir>/registry/<tenant>`), an EXP record and a dev entry of kind answerability-model linking
 * all of them. The candidate then goes through the eval gate and the canary (runRetrainingPipeline).
 */
export async function retrainAnswerabilityFromFeedback(
  gw: Groundwork,
  registry: RegistryStore,
  options: { tenant: string; since: Date; outDir?: string; now?: Date; codeVersion?: string },
): Promise<RetrainedCandidate> {
  const labels = await feedbackLabels(gw.db, options.tenant, options.since);
  const answerable = labels.rows.filter((r) => r.answerable).length;
  const unanswerable = labels.rows.length - answerable;
  if (answerable < MIN_ROWS_PER_CLASS || unanswerable < MIN_ROWS_PER_CLASS) {
    throw new GroundworkError('CONFLICT', `tenant ${options.tenant} has ${answerable} answerable and ${unanswerable} unanswerable labelled questions since ${options.since.toISOString()}; retraining needs ${MIN_ROWS_PER_CLASS} of each`, {
      details: { answerable, unanswerable, skipped: labels.skipped },
    });
  }
  const items: GoldenItem[] = labels.rows.map((row) => ({ id: row.requestId, question: row.question, answerable: row.answerable, relevant_doc_ids: [], metadata: {} }));
  const rows = await answerabilityRows(gw, items, { tenant: options.tenant });
  const now = options.now ?? new Date();
  const { model } = trainAnswerability(rows, { maxFalseRefusal: gw.config.generate.refusal.maxFalseRefusal, dataHashes: { [`feedback:${options.tenant}`]: labels.hash }, sources: [`feedback:${options.tenant}`], now });
  const existing = (await registry.list({ tenant: options.tenant, kind: 'answerability-model' })).filter((e) => e.tenant === options.tenant && e.name === 'answerability-feedback');
  const version = nextVersion(existing);
  if (gw.config.dataDir.startsWith('memory://') && !options.outDir) throw new GroundworkError('CONFIG', 'the data dir is in memory: give outDir for the retrained model file');
  const dir = resolve(options.outDir ?? join(gw.config.dataDir, 'registry', options.tenant));
  await mkdir(dir, { recursive: true });
  const modelPath = join(dir, `answerability-feedback-${version}.json`);
  const modelCardPath = join(dir, `answerability-feedback-${version}.card.md`);
  await writeFile(modelPath, `${JSON.stringify(model, null, 1)}\n`);
  await writeFile(
    modelCardPath,
    `${answerabilityModelCard(model, { name: `groundwork answerability (feedback of ${options.tenant})`, source: `ratings of tenant ${options.tenant} since ${options.since.toISOString().slice(0, 10)} (${labels.hash})`, limitations: ['Labels come from thumbs ratings (feedbackLabels rules), not annotators: a rating of a right answer for a wrong reason is a wrong label.', 'Only questions asked through /v1/ask (JSON or streamed) or the MCP ask tool while the registry layer ran are kept.'] })}\n`,
  );
  const codeVersion = options.codeVersion ?? (await resolveCodeVersion());
  const experiment = await createExperimentStore(gw.db).create(
    answerabilityExperimentInput(model, { tenant: options.tenant, path: `feedback:${options.tenant}`, codeVersion, evaluation: {}, config: { trigger: 'retraining from feedback', since: options.since.toISOString(), labelRules: 'feedbackLabels' } }),
  );
  const entry = await registry.register({
    tenant: options.tenant,
    kind: 'answerability-model',
    name: 'answerability-feedback',
    version,
    artifactPath: modelPath,
    modelCardPath,
    experimentIds: [experiment.id],
    datasetHashes: { [`feedback:${options.tenant}`]: labels.hash },
    codeVersion,
    description: `retrained from ${labels.rows.length} rated questions (${answerable} answerable, ${unanswerable} unanswerable)`,
  });
  return { entry, experimentId: experiment.id, modelPath, modelCardPath, labels: { rows: labels.rows.length, answerable, unanswerable, skipped: labels.skipped, hash: labels.hash } };
}
