import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { compileLambdaMart, lambdaMartModelSchema, scoreCompiledLambdaMart, type CompiledLambdaMart } from '../../classic-ml/models/lambdamart.js';
import { pairwiseLinearModelSchema, scorePairwiseLinear } from '../../classic-ml/models/pairwise-linear-ranker.js';
import { ConfigError } from '../../errors.js';
import { RANKER_FEATURES } from './ranker-features.js';

/** Format version of the artifact; bump when a field changes meaning. */
export const RANKER_MODEL_VERSION = 1;
export { DEFAULT_RANKER_DEPTH } from './ranker-options.js';

/** The packaged default model (`retrieve.ranker.model: "default"`); bench/ranker.ts --write-default writes it only when it meets the quality lines. */
export const DEFAULT_RANKER_MODEL_PATH = fileURLToPath(new URL('../../../models/ranker/default.json', import.meta.url));

const metricSchema = z.object({ mean: z.number(), lower: z.number(), upper: z.number(), n: z.number().int() });

/** A saved learned ranker (JSON): the model, the features it reads (by name, in column order), and how it was trained and measured. */
export const rankerModelSchema = z.object({
  kind: z.literal('groundwork-ranker-model'),
  version: z.literal(RANKER_MODEL_VERSION),
  /** `ranker-<yyyymmdd>-<first 8 hex of the model's SHA-256>`: names this artifact in EXP records and registries. */
  id: z.string().min(1),
  trainedAt: z.string(),
  featureNames: z.array(z.string()).min(1),
  /** Candidates it was trained on per query (first-stage top `depth` chunks). */
  depth: z.number().int().positive(),
  model: z.discriminatedUnion('type', [lambdaMartModelSchema, pairwiseLinearModelSchema]),
  training: z.object({
    queries: z.number().int(),
    rows: z.number().int(),
    folds: z.number().int(),
    mode: z.string(),
    dataHashes: z.record(z.string(), z.string()),
    sources: z.array(z.string()),
  }),
  /** Cross-validated and held-out figures, for the model card. */
  evaluation: z.record(z.string(), z.union([metricSchema, z.number(), z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())])).default({}),
});
/** A saved learned ranker. */
export type RankerModel = z.infer<typeof rankerModelSchema>;

/** Validates parsed JSON as a ranker model; `where` names the source in the error. */
export function parseRankerModel(json: unknown, where = 'retrieve.ranker.model'): RankerModel {
  const parsed = rankerModelSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(where, '(file contents)', `a ranker model: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const model = parsed.data;
  const known = new Set<string>(RANKER_FEATURES);
  const unknown = model.featureNames.filter((name) => !known.has(name));
  if (unknown.length > 0) throw new ConfigError(where, unknown.join(', '), `features this version computes (${RANKER_FEATURES.join(', ')})`);
  const width = model.model.type === 'lambdamart' ? model.model.featureCount : model.model.weights.length;
  if (width !== model.featureNames.length) throw new ConfigError(where, `${model.featureNames.length} feature names`, `one per model column (${width})`);
  return model;
}

/** Reads a ranker model file (synchronously, once, when the retriever is built). */
export function loadRankerModel(path: string, where = 'retrieve.ranker.model'): RankerModel {
  if (path === DEFAULT_RANKER_MODEL_PATH && !existsSync(path)) {
    throw new ConfigError(where, 'default', `the packaged default ranker (${path}), which this installation lacks: reinstall the package, or train one with \`groundwork ranker train\``);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(where, path, `a readable ranker model file (${(error as Error).message})`);
  }
  try {
    return parseRankerModel(JSON.parse(text), where);
  } catch (error) {
    if (error instanceof SyntaxError) throw new ConfigError(where, path, `a JSON file (${error.message})`);
    throw error;
  }
}

/** Column indices of the model's features within RANKER_FEATURES rows. */
export function featureColumns(featureNames: readonly string[]): number[] {
  return featureNames.map((name) => (RANKER_FEATURES as readonly string[]).indexOf(name));
}

/** LambdaMART models compiled for full rows, per model object (a model is not changed once loaded). */
const compiledModels = new WeakMap<RankerModel, CompiledLambdaMart>();

/** Scores full feature rows (RANKER_FEATURES order) with the model, reading its columns. */
export function scoreRankerRows(model: RankerModel, rows: readonly (readonly number[])[]): number[] {
  if (model.model.type === 'lambdamart') {
    let compiled = compiledModels.get(model);
    if (!compiled) {
      compiled = compileLambdaMart(model.model, featureColumns(model.featureNames));
      compiledModels.set(model, compiled);
    }
    return scoreCompiledLambdaMart(compiled, rows);
  }
  const columns = featureColumns(model.featureNames);
  return scorePairwiseLinear(model.model, rows.map((row) => columns.map((c) => row[c])));
}
