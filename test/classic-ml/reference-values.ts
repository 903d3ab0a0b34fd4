import { readFileSync } from 'node:fs';

/** Reference values written by scripts/classic-ml-fixtures.py (scikit-learn 1.2, scipy 1.10, statsmodels 0.13). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reference: any = JSON.parse(readFileSync(new URL('./fixtures/reference-values.json', import.meta.url), 'utf8'));
