import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Db } from '../db/types.js';
import { GroundworkError, InputError } from '../errors.js';
import { loadGoldenSet } from '../eval/golden-set.js';
import { resolveCodeVersion } from '../eval/code-version.js';
import type { Groundwork } from '../groundwork.js';
import { DEFAULT_RANKER_DEPTH } from '../retrieve/ranker/ranker-options.js';
import type { RankerQuery } from '../retrieve/ranker/ranker-rows.js';
import { beirRankerSource, goldenGroup, type RankerSource } from '../retrieve/ranker/ranker-sources.js';
import { runRankerTraining } from '../retrieve/ranker/run-ranker-training.js';
import { RANKER_FOLDS } from '../retrieve/ranker/train-ranker.js';
import type { RegistryStore } from './registry-store.js';
import { nextVersion, ratedQuestions, type RetrainedCandidate } from './retrain-from-feedback.js';

/** The registry name of rankers retrained from feedback (its versions count up per scope). */
export const RANKER_FEEDBACK_NAME = 'ranker-feedback';

/**
 * Shortest correct answer searched for in the documents: shorter ones ("yes", "5") occur in too
 * many chunks to say which document holds the answer.
 */
export const MIN_CORRECT_ANSWER_CHARS = 4;

/** A question someone rated, with the documents its rating makes relevant. */
export interface FeedbackJudgment {
  requestId: string;
  question: string;
  /** External ids of the relevant documents (grade 1). */
  relevant: string[];
  rule: 'up on an answer: its cited documents' | 'down with a correct answer: documents containing it';
}

/** What the judging made of a tenant's feedback. */
export interface FeedbackJudgments {
  rows: FeedbackJudgment[];
  /** Ratings left out, by reason. */
  skipped: Record<string, number>;
  /** sha256 over the judgments in request-id order: the training data's identity. */
  hash: string;
}

/**
 * Relevance judgments from a tenant's feedback since a time: each rating joined with the question
 * the server kept for it (registry_served_questions). A thumbs up on an answer makes the documents
 * it cited relevant for its question; a thumbs down with a correct answer makes the tenant's
 * documents whose text contains that answer relevant (case-insensitive, whitespace-normalized),
 * when any does. A thumbs up on a refusal, a thumbs down without a correct answer, and a correct
 * answer found in no document judge no document, and are skipped.
 */
export async function feedbackJudgments(db: Db, tenant: string, since: Date): Promise<FeedbackJudgments> {
  const { rows, skipped, skip } = await ratedQuestions(db, tenant, since);
  const judged: FeedbackJudgment[] = [];
  for (const row of rows) {
    const base = { requestId: row.request_id, question: row.question };
    const correct = row.correct_answer?.replace(/\s+/g, ' ').trim() ?? '';
    if (row.rating === 1) {
      if (row.refused) skip('up on a refusal (no document was cited)');
      else if (!row.cited_documents?.length) skip('up on an answer that cited no document');
      else judged.push({ ...base, relevant: [...row.cited_documents], rule: 'up on an answer: its cited documents' });
    } else if (correct === '') {
      skip('down without a correct answer');
    } else if (correct.length < MIN_CORRECT_ANSWER_CHARS) {
      skip(`correct answer shorter than ${MIN_CORRECT_ANSWER_CHARS} characters`);
    } else {
      const containing = await documentsContaining(db, tenant, correct);
      if (containing.length === 0) skip('correct answer found in no document');
      else judged.push({ ...base, relevant: containing, rule: 'down with a correct answer: documents containing it' });
    }
  }
  const hash = createHash('sha256');
  for (const row of judged) hash.update(`${row.requestId}\0${row.question}\0${row.relevant.join('\0')}\n`);
  return { rows: judged, skipped, hash: `sha256:${hash.digest('hex')}` };
}

/** External ids of a tenant's documents with a chunk whose text contains `text` (case and runs of whitespace ignored). */
async function documentsContaining(db: Db, tenant: string, text: string): Promise<string[]> {
  const { rows } = await db.query<{ external_id: string }>(
    `SELECT DISTINCT d.external_id
       FROM chunks c JOIN documents d ON d.id = c.document_id
      WHERE c.tenant = $1 AND d.tenant = $1 AND strpos(lower(regexp_replace(c.text, '\\s+', ' ', 'g')), lower($2)) > 0
      ORDER BY d.external_id`,
    [tenant, text],
  );
  return rows.map((r) => r.external_id);
}

/** Question text as a merge key: case and whitespace do not make two questions. */
const questionKey = (question: string) => question.toLowerCase().replace(/\s+/g, ' ').trim();

/**
 * The tenant's judged questions: the golden sets' answerable items with relevant documents, and
 * the feedback judgments; a question in both (or asked and rated twice) is one query with the
 * union of its relevant documents, grouped as the golden item is (else by its first relevant
 * document), so the same question never sits on both sides of a fold.
 */
export async function feedbackRankerSource(tenant: string, judgments: FeedbackJudgments, goldens: readonly string[]): Promise<RankerSource> {
  const queries = new Map<string, RankerQuery & { judged: Map<string, number> }>();
  const hashes: string[] = [judgments.hash];
  const add = (id: string, text: string, group: string, relevant: readonly string[]) => {
    const key = questionKey(text);
    const query = queries.get(key) ?? { id, text, group, judged: new Map<string, number>() };
    for (const doc of relevant) query.judged.set(doc, 1);
    queries.set(key, query);
  };
  for (const path of goldens) {
    const set = await loadGoldenSet(path);
    hashes.push(set.hash);
    for (const item of set.items) if (item.answerable && item.relevant_doc_ids.length > 0) add(`golden:${item.id}`, item.question, goldenGroup(item), item.relevant_doc_ids);
  }
  for (const row of judgments.rows) add(`feedback:${row.requestId}`, row.question, row.relevant[0], row.relevant);
  return { kind: 'golden', path: [`feedback:${tenant}`, ...goldens.map((g) => resolve(g))].join('+'), tenant, hash: hashes.join('+'), queries: [...queries.values()] };
}

/** Options of a ranker retraining run. */
export interface RetrainRankerOptions {
  tenant: string;
  since: Date;
  /** Golden sets whose judgments join the feedback's (their documents in `tenant`). */
  goldens?: readonly string[];
  /** BEIR datasets (their qrels' split) whose judgments join too, each in its own eval tenant. */
  datasets?: ReadonlyArray<{ dir: string; split: string }>;
  outDir?: string;
  folds?: number;
  depth?: number;
  now?: Date;
  codeVersion?: string;
}

/**
 * Retrains the learned ranker from a tenant's feedback: relevance judgments (feedbackJudgments)
 * merged with the configured golden sets and datasets, the training run of `groundwork ranker
 * train` (features of the first stage's candidates, grouped cross-validation, LambdaMART), the
 * model file and its model card under `outDir` (default `<dataDir>/registry/<tenant>`), an EXP
 * record and a dev entry of kind ranker that turns it on (`retrieve.ranker`). The candidate then
 * goes through the eval gate and the canary (runRetrainingPipeline with kind `ranker`).
 */
export async function retrainRankerFromFeedback(gw: Groundwork, registry: RegistryStore, options: RetrainRankerOptions): Promise<RetrainedCandidate> {
  const judgments = await feedbackJudgments(gw.db, options.tenant, options.since);
  if (judgments.rows.length === 0) {
    throw new GroundworkError('CONFLICT', `tenant ${options.tenant} has no rating since ${options.since.toISOString()} that judges a document relevant: a ranker retrained now would learn nothing from feedback`, {
      details: { skipped: judgments.skipped },
    });
  }
  if (gw.config.dataDir.startsWith('memory://') && !options.outDir) throw new GroundworkError('CONFIG', 'the data dir is in memory: give outDir for the retrained model file');
  const sources: RankerSource[] = [await feedbackRankerSource(options.tenant, judgments, options.goldens ?? [])];
  for (const dataset of options.datasets ?? []) sources.push(await beirRankerSource(gw, dataset.dir, dataset.split));
  const existing = (await registry.list({ tenant: options.tenant, kind: 'ranker' })).filter((e) => e.tenant === options.tenant && e.name === RANKER_FEEDBACK_NAME);
  const version = nextVersion(existing);
  const depth = options.depth ?? gw.config.retrieve.ranker?.depth ?? DEFAULT_RANKER_DEPTH;
  const codeVersion = options.codeVersion ?? (await resolveCodeVersion());
  const dir = resolve(options.outDir ?? join(gw.config.dataDir, 'registry', options.tenant));
  const run = await runRankerTraining(gw, sources, {
    folds: options.folds ?? RANKER_FOLDS,
    depth,
    out: join(dir, `${RANKER_FEEDBACK_NAME}-${version}.json`),
    experimentTenant: options.tenant,
    codeVersion,
    now: options.now,
    experimentConfig: { trigger: 'retraining from feedback', since: options.since.toISOString(), judgmentRules: 'feedbackJudgments', feedbackJudgments: judgments.rows.length },
    cardNotes: [
      `## Feedback of ${options.tenant}`,
      '',
      `Retrained from ${judgments.rows.length} rated questions of tenant ${options.tenant} since ${options.since.toISOString().slice(0, 10)} (${judgments.hash})${options.goldens?.length ? `, with the judgments of ${options.goldens.length} golden set(s)` : ''}${options.datasets?.length ? ` and ${options.datasets.length} dataset(s)` : ''}.`,
      '',
      '- A thumbs up makes the documents the answer cited relevant: an answer right for a wrong citation makes a wrong judgment.',
      '- A thumbs down with a correct answer judges the documents containing that answer verbatim; a paraphrased answer judges none.',
      '- Feedback judges only documents answers cited: an uncited relevant document counts as not relevant.',
      ...(options.goldens?.length ? ['- The golden sets\' judgments are training data here: an eval gate on the same golden set measures this model on questions it learned from, so its gate figures are optimistic.'] : []),
    ].join('\n'),
  }).catch((error: unknown) => {
    // Too few judged queries or rows for the learner: say whose data and how much, with the learner's reason.
    if (error instanceof InputError) {
      const queries = sources.reduce((sum, source) => sum + source.queries.length, 0);
      throw new GroundworkError('CONFLICT', `tenant ${options.tenant}: ${judgments.rows.length} feedback judgments (${queries} judged queries in all) are too little to train a ranker: ${error.message}`, {
        details: { feedbackJudgments: judgments.rows.length, queries, reason: error.message },
        cause: error,
      });
    }
    throw error;
  });
  const datasetHashes = { [`feedback:${options.tenant}`]: judgments.hash, ...run.model.training.dataHashes };
  const entry = await registry.register({
    tenant: options.tenant,
    kind: 'ranker',
    name: RANKER_FEEDBACK_NAME,
    version,
    overrides: { retrieve: { ranker: { model: run.path, depth } } },
    artifactPath: run.path,
    modelCardPath: run.cardPath,
    experimentIds: [run.experimentId],
    datasetHashes,
    codeVersion,
    description: `retrained from ${judgments.rows.length} feedback judgments (${run.cv.queryIds.length} judged queries in all); cross-validated nDCG@10 ${run.evaluation.ndcg.lambdamart.mean.toFixed(4)} (first stage ${run.evaluation.ndcg.firstStage.mean.toFixed(4)})`,
  });
  return {
    entry,
    experimentId: run.experimentId,
    modelPath: run.path,
    modelCardPath: run.cardPath,
    labels: { rows: judgments.rows.length, skipped: judgments.skipped, hash: judgments.hash, queries: run.cv.queryIds.length },
  };
}
