import { z } from 'zod';

/** Methodology Phase 11: the eight dimensions and their weights (sum 100%). */
export const RUBRIC_WEIGHTS = {
  problemFraming: 0.15,
  dataQuality: 0.15,
  experimentRigor: 0.15,
  modelPerformance: 0.15,
  deployment: 0.1,
  monitoring: 0.15,
  documentation: 0.05,
  costEfficiency: 0.1,
} as const;

const score = z.number().min(0).max(5);
/** Scores 0-5 per rubric dimension. */
export const rubricScoresSchema = z.object(Object.fromEntries(Object.keys(RUBRIC_WEIGHTS).map((k) => [k, score])) as Record<keyof typeof RUBRIC_WEIGHTS, typeof score>);
/** Scores 0-5 per rubric dimension. */
export type RubricScores = z.infer<typeof rubricScoresSchema>;

/** Methodology verdict bands of the 0-100 total. */
export const RUBRIC_BANDS = [
  { min: 80, band: 'production-grade', description: 'Production-grade ML system' },
  { min: 60, band: 'good-foundations', description: 'Good foundations, missing operational maturity' },
  { min: 40, band: 'prototype', description: 'Prototype quality, not ready for production' },
  { min: 0, band: 'science-project', description: 'Science project, needs fundamental rework' },
] as const;

/** Weighted total 0-100 (Σ weight · score / 5 · 100), the per-dimension points and the verdict band. */
export function scoreRubric(scores: RubricScores): { total: number; band: string; description: string; points: Record<string, number> } {
  const points: Record<string, number> = {};
  let total = 0;
  for (const [dimension, weight] of Object.entries(RUBRIC_WEIGHTS)) {
    points[dimension] = (weight * scores[dimension as keyof RubricScores] * 100) / 5;
    total += points[dimension];
  }
  total = Math.round(total * 1e6) / 1e6;
  const band = RUBRIC_BANDS.find((b) => total >= b.min) ?? RUBRIC_BANDS[RUBRIC_BANDS.length - 1];
  return { total, band: band.band, description: band.description, points };
}
