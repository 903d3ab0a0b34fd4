import { InputError } from '../../errors.js';
import { createRandom, shuffledIndices } from '../core/random.js';
import { categoryColumn, numericColumn, type Row } from '../core/table.js';
import { quantileSorted } from '../drift/reference-bins.js';
import { featureStepSchema, MAX_ONE_HOT_CATEGORIES, type FeatureStep, type FittedStep } from './feature-steps.js';
import { fitTfidf, transformTfidf } from './tfidf.js';

function fitStep(step: FeatureStep, train: Row[]): FittedStep['state'] {
  switch (step.kind) {
    case 'standardize': {
      const values = numericColumn(train, step.column, 'train');
      const mean = values.reduce((s, v) => s + v, 0) / values.length;
      const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
      return { mean, scale: std === 0 ? 1 : std };
    }
    case 'bin': {
      const sorted = Float64Array.from(numericColumn(train, step.column, 'train')).sort();
      const low = sorted[0];
      const high = sorted[sorted.length - 1];
      const edges: number[] = [];
      for (let k = 1; k < step.bins; k++) {
        const edge = step.strategy === 'uniform' ? low + ((high - low) * k) / step.bins : quantileSorted(sorted, k / step.bins);
        if (edges.length === 0 || edge > edges[edges.length - 1]) edges.push(edge);
      }
      return { edges };
    }
    case 'one-hot': {
      const categories = [...new Set(categoryColumn(train, step.column, 'train'))].sort();
      if (categories.length >= MAX_ONE_HOT_CATEGORIES) {
        throw new InputError(`train.${step.column}`, `has ${categories.length} categories; one-hot is for fewer than ${MAX_ONE_HOT_CATEGORIES}, use target-encoding`);
      }
      return { categories };
    }
    case 'target-encoding': {
      const y = numericColumn(train, step.target, 'train');
      const categories = categoryColumn(train, step.column, 'train');
      const prior = y.reduce((s, v) => s + v, 0) / y.length;
      return { prior, encoding: encode(categories, y, prior, step.smoothing) };
    }
    case 'tfidf':
      return fitTfidf(categoryColumn(train, step.column, 'train'), { maxFeatures: step.maxFeatures, minDf: step.minDf });
    default:
      return {};
  }
}

/** m-estimate encoding (sum + m·prior) / (count + m), Micci-Barreca (2001). */
function encode(categories: string[], y: number[], prior: number, smoothing: number): Record<string, number> {
  const sums = new Map<string, { sum: number; count: number }>();
  categories.forEach((c, i) => {
    const entry = sums.get(c) ?? { sum: 0, count: 0 };
    entry.sum += y[i];
    entry.count++;
    sums.set(c, entry);
  });
  const out: Record<string, number> = {};
  for (const [c, { sum, count }] of sums) out[c] = (sum + smoothing * prior) / (count + smoothing);
  return out;
}

function groupOrder(rows: Row[], groupBy: string | undefined): number[][] {
  const groups = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = groupBy === undefined ? '' : String(row[groupBy]);
    const list = groups.get(key) ?? [];
    list.push(i);
    groups.set(key, list);
  });
  return [...groups.values()];
}

function applyStep(fitted: FittedStep, rows: Row[], table: string, isTrain: boolean): void {
  const { step, state } = fitted;
  const c = step.column;
  switch (step.kind) {
    case 'log': {
      numericColumn(rows, c, table).forEach((v, i) => {
        if (v + step.offset <= 0) throw new InputError(`${table}.${c}`, `row ${i} is ${v}; log needs values above ${-step.offset}`);
        rows[i][`${c}_log`] = Math.log(v + step.offset);
      });
      return;
    }
    case 'standardize':
      numericColumn(rows, c, table).forEach((v, i) => (rows[i][`${c}_z`] = (v - (state.mean ?? 0)) / (state.scale ?? 1)));
      return;
    case 'bin': {
      const edges = state.edges ?? [];
      numericColumn(rows, c, table).forEach((v, i) => (rows[i][`${c}_bin`] = edges.filter((e) => e < v).length));
      return;
    }
    case 'one-hot': {
      const values = categoryColumn(rows, c, table);
      for (const category of state.categories ?? []) values.forEach((v, i) => (rows[i][`${c}=${category}`] = v === category ? 1 : 0));
      return;
    }
    case 'target-encoding': {
      const values = categoryColumn(rows, c, table);
      const prior = state.prior ?? 0;
      if (!isTrain) {
        values.forEach((v, i) => (rows[i][`${c}_te`] = state.encoding?.[v] ?? prior));
        return;
      }
      // Out-of-fold on train: a row's encoding never sees its own target (methodology: K-fold).
      const y = numericColumn(rows, step.target, table);
      const order = shuffledIndices(createRandom(step.seed), rows.length);
      const fold = new Array<number>(rows.length);
      order.forEach((row, k) => (fold[row] = k % step.folds));
      for (let f = 0; f < step.folds; f++) {
        const inFold = (i: number) => fold[i] === f;
        const others = values.map((_, i) => i).filter((i) => !inFold(i));
        const foldPrior = others.reduce((s, i) => s + y[i], 0) / Math.max(1, others.length);
        const encoding = encode(others.map((i) => values[i]), others.map((i) => y[i]), foldPrior, step.smoothing);
        values.forEach((v, i) => { if (inFold(i)) rows[i][`${c}_te`] = encoding[v] ?? foldPrior; });
      }
      return;
    }
    case 'cyclical':
      numericColumn(rows, c, table).forEach((v, i) => {
        rows[i][`${c}_sin`] = Math.sin((2 * Math.PI * v) / step.period);
        rows[i][`${c}_cos`] = Math.cos((2 * Math.PI * v) / step.period);
      });
      return;
    case 'lag': {
      const values = numericColumn(rows, c, table);
      for (const group of groupOrder(rows, step.groupBy)) {
        group.forEach((row, k) => { for (const lag of step.lags) rows[row][`${c}_lag${lag}`] = k >= lag ? values[group[k - lag]] : null; });
      }
      return;
    }
    case 'rolling': {
      const values = numericColumn(rows, c, table);
      for (const group of groupOrder(rows, step.groupBy)) {
        group.forEach((row, k) => {
          const window = group.slice(Math.max(0, k - step.window), k).map((i) => values[i]);
          const mean = window.reduce((s, v) => s + v, 0) / window.length;
          for (const stat of step.stats) {
            const name = `${c}_roll${step.window}_${stat}`;
            if (window.length === 0) rows[row][name] = null;
            else if (stat === 'mean') rows[row][name] = mean;
            else if (stat === 'std') rows[row][name] = Math.sqrt(window.reduce((s, v) => s + (v - mean) ** 2, 0) / window.length);
            else rows[row][name] = stat === 'min' ? Math.min(...window) : Math.max(...window);
          }
        });
      }
      return;
    }
    case 'tfidf': {
      const model = { vocabulary: state.vocabulary ?? [], idf: state.idf ?? [] };
      const vectors = transformTfidf(model, categoryColumn(rows, c, table));
      vectors.forEach((vector, i) => model.vocabulary.forEach((term, j) => (rows[i][`${c}_tfidf_${term}`] = vector[j])));
      return;
    }
  }
}

/**
 * Fits each step on train (in order; a step may use columns earlier steps made) and returns the
 * transformed train rows with the fitted state to apply elsewhere. Lags and rolling windows follow
 * row order within each table; to continue a series, pass its history rows with the new ones.
 */
export function fitFeatures(train: Row[], steps: unknown[]): { fitted: FittedStep[]; rows: Row[] } {
  if (train.length === 0) throw new InputError('train', 'has no rows');
  const rows = train.map((row) => ({ ...row }));
  const fitted: FittedStep[] = steps.map((raw, k) => {
    const parsed = featureStepSchema.safeParse(raw);
    if (!parsed.success) throw new InputError(`steps[${k}]${parsed.error.issues[0]?.path.length ? `.${parsed.error.issues[0].path.join('.')}` : ''}`, parsed.error.issues[0]?.message ?? 'invalid step');
    const step = { step: parsed.data, state: fitStep(parsed.data, rows) };
    applyStep(step, rows, 'train', true);
    return step;
  });
  return { fitted, rows };
}

/** Applies fitted steps (train statistics only) to another table. */
export function applyFeatures(fitted: FittedStep[], table: Row[], name = 'rows'): Row[] {
  if (table.length === 0) throw new InputError(name, 'has no rows');
  const rows = table.map((row) => ({ ...row }));
  for (const step of fitted) applyStep(step, rows, name, false);
  return rows;
}
