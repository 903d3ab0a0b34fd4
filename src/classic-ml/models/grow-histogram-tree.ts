/** A regression tree as parallel arrays; feature −1 marks a leaf. */
export interface TreeArrays {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
}

/** Splits must reduce the loss by more than this (guards against float noise). */
const MIN_GAIN = 1e-12;
/** A child's hessian sum must reach this (scikit-learn's min_hessian_to_split). */
const MIN_CHILD_HESSIAN = 1e-3;
const BIN_SLOTS = 256;

interface GrowInput {
  binned: Uint8Array;
  n: number;
  d: number;
  edges: number[][];
  gradient: Float64Array;
  hessian: Float64Array;
  rows: Uint32Array;
  maxDepth: number;
  minSamplesLeaf: number;
  l2: number;
  learningRate: number;
}

interface Histogram {
  g: Float64Array;
  h: Float64Array;
  c: Float64Array;
}

function buildHistogram(input: GrowInput, rows: Uint32Array): Histogram {
  const { binned, n, d, gradient, hessian } = input;
  const g = new Float64Array(d * BIN_SLOTS);
  const h = new Float64Array(d * BIN_SLOTS);
  const c = new Float64Array(d * BIN_SLOTS);
  for (let j = 0; j < d; j++) {
    const column = j * n;
    const base = j * BIN_SLOTS;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      const slot = base + binned[column + i];
      g[slot] += gradient[i];
      h[slot] += hessian[i];
      c[slot]++;
    }
  }
  return { g, h, c };
}

function subtract(parent: Histogram, child: Histogram): Histogram {
  const g = new Float64Array(parent.g.length);
  const h = new Float64Array(parent.g.length);
  const c = new Float64Array(parent.g.length);
  for (let k = 0; k < g.length; k++) {
    g[k] = parent.g[k] - child.g[k];
    h[k] = parent.h[k] - child.h[k];
    c[k] = parent.c[k] - child.c[k];
  }
  return { g, h, c };
}

/**
 * Grows one depth-limited tree on gradient/hessian histograms (the smaller child is built, its
 * sibling is parent minus child). Leaf value −G/(H+λ)·learningRate; gain as in XGBoost eq. 7.
 */
export function growTree(input: GrowInput): { tree: TreeArrays; bins: number[] } {
  const tree: TreeArrays = { feature: [], threshold: [], left: [], right: [], value: [] };
  const bins: number[] = [];
  const { d, edges, l2 } = input;
  const grow = (rows: Uint32Array, histogram: Histogram, depth: number): number => {
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    bins.push(0);
    let G = 0;
    let H = 0;
    for (let b = 0; b < BIN_SLOTS; b++) {
      G += histogram.g[b];
      H += histogram.h[b];
    }
    tree.value.push(H + l2 > 0 ? (-G / (H + l2)) * input.learningRate : 0);
    if (depth >= input.maxDepth || rows.length < 2 * input.minSamplesLeaf) return node;
    const parentScore = (G * G) / (H + l2);
    let bestGain = MIN_GAIN;
    let bestFeature = -1;
    let bestBin = -1;
    for (let j = 0; j < d; j++) {
      const base = j * BIN_SLOTS;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let b = 0; b < edges[j].length; b++) {
        gl += histogram.g[base + b];
        hl += histogram.h[base + b];
        cl += histogram.c[base + b];
        const cr = rows.length - cl;
        if (cl < input.minSamplesLeaf) continue;
        if (cr < input.minSamplesLeaf) break;
        const hr = H - hl;
        if (hl < MIN_CHILD_HESSIAN || hr < MIN_CHILD_HESSIAN) continue;
        const gr = G - gl;
        const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = j;
          bestBin = b;
        }
      }
    }
    if (bestFeature < 0) return node;
    const column = bestFeature * input.n;
    let leftCount = 0;
    for (let k = 0; k < rows.length; k++) if (input.binned[column + rows[k]] <= bestBin) leftCount++;
    const leftRows = new Uint32Array(leftCount);
    const rightRows = new Uint32Array(rows.length - leftCount);
    let li = 0;
    let ri = 0;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      if (input.binned[column + i] <= bestBin) leftRows[li++] = i;
      else rightRows[ri++] = i;
    }
    const leftIsSmaller = leftRows.length <= rightRows.length;
    const small = buildHistogram(input, leftIsSmaller ? leftRows : rightRows);
    const large = subtract(histogram, small);
    tree.feature[node] = bestFeature;
    tree.threshold[node] = edges[bestFeature][bestBin];
    bins[node] = bestBin;
    tree.value[node] = 0;
    tree.left[node] = grow(leftRows, leftIsSmaller ? small : large, depth + 1);
    tree.right[node] = grow(rightRows, leftIsSmaller ? large : small, depth + 1);
    return node;
  };
  grow(input.rows, buildHistogram(input, input.rows), 0);
  return { tree, bins };
}
