/** Pearson correlation; 0 when either side is constant. */
export function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i] / n; my += y[i] / n; }
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** Correlation ratio η = sqrt(SS_between / SS_total) of numeric values grouped by categories. */
export function correlationRatio(categories: readonly string[], values: readonly number[]): number {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sums = new Map<string, { sum: number; count: number }>();
  categories.forEach((c, i) => {
    const entry = sums.get(c) ?? { sum: 0, count: 0 };
    entry.sum += values[i];
    entry.count++;
    sums.set(c, entry);
  });
  let between = 0;
  for (const { sum, count } of sums.values()) between += count * (sum / count - mean) ** 2;
  let total = 0;
  for (const v of values) total += (v - mean) ** 2;
  return total === 0 ? 0 : Math.sqrt(between / total);
}

/** Cramér's V of two categorical variables (0 when either has a single category). */
export function cramersV(a: readonly string[], b: readonly string[]): number {
  const n = a.length;
  const ac = new Map<string, number>();
  const bc = new Map<string, number>();
  const joint = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    ac.set(a[i], (ac.get(a[i]) ?? 0) + 1);
    bc.set(b[i], (bc.get(b[i]) ?? 0) + 1);
    const key = `${a[i]}\u0000${b[i]}`;
    joint.set(key, (joint.get(key) ?? 0) + 1);
  }
  const k = Math.min(ac.size, bc.size);
  if (k < 2) return 0;
  let chi2 = 0;
  for (const [x, nx] of ac) {
    for (const [y, ny] of bc) {
      const expected = (nx * ny) / n;
      chi2 += ((joint.get(`${x}\u0000${y}`) ?? 0) - expected) ** 2 / expected;
    }
  }
  return Math.sqrt(chi2 / (n * (k - 1)));
}
