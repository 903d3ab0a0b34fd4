import { z } from 'zod';
import { modelOverrideSchema } from './model-registry.js';

/** Which model(s) answer: ids as in ChatModel.id. */
export const routerPolicySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('fixed'), model: z.string().min(1) }),
  z.object({
    kind: z.literal('cheapest-capable'),
    models: z.array(z.string().min(1)).min(1),
    /** Pick the cheapest model whose predicted success is at least this. */
    target: z.number().min(0).max(1).default(0.8),
  }),
  /** Cheapest first; escalate to the next when the answer check fails. */
  z.object({ kind: z.literal('cascade'), models: z.array(z.string().min(1)).min(2) }),
  /** In order; the next one on a retryable error, timeout or open circuit. */
  z.object({ kind: z.literal('fallback'), models: z.array(z.string().min(1)).min(1) }),
]);
export type RouterPolicy = z.infer<typeof routerPolicySchema>;

/** Per-provider resilience; the defaults follow common provider guidance (OpenAI and Anthropic SDKs retry 2 times with backoff). */
export const resilienceOptionsSchema = z.object({
  timeoutMs: z.number().int().positive().default(60_000),
  maxAttempts: z.number().int().min(1).max(10).default(3),
  baseDelayMs: z.number().int().nonnegative().default(500),
  maxDelayMs: z.number().int().nonnegative().default(20_000),
  /** A Retry-After longer than this goes to fallback instead of waiting. */
  maxRetryAfterMs: z.number().int().nonnegative().default(60_000),
  failureThreshold: z.number().int().min(1).default(5),
  failureWindowMs: z.number().int().positive().default(60_000),
  halfOpenAfterMs: z.number().int().positive().default(30_000),
  maxConcurrency: z.number().int().min(1).default(8),
  maxQueue: z.number().int().nonnegative().default(100),
});
export type ResilienceSettings = z.infer<typeof resilienceOptionsSchema>;

/** Router config (the lead composes it into the groundwork config under `router`). */
export const routerOptionsSchema = z.object({
  policy: routerPolicySchema.default({ kind: 'fixed', model: 'extractive' }),
  /** Price-table overrides and additions (see src/router/price-table.ts). */
  models: z.array(modelOverrideSchema).default([]),
  /** Output cap per call when the request gives none; also the worst case reserved. */
  maxTokens: z.number().int().positive().default(1024),
  budgets: z
    .object({
      /** Dollars one request may commit in all (cascade steps included); null: no cap. */
      perRequestUsd: z.number().positive().nullable().default(null),
      /** Dollars per tenant per UTC day; null: no daily budget. */
      dailyPerTenantUsd: z.number().positive().nullable().default(null),
      tenants: z.record(z.string(), z.number().positive()).default({}),
      /** Input token estimates run low on code and non-English text; 1.2 covers tiktoken vs the 4-characters rule on our samples. */
      safetyMargin: z.number().min(1).default(1.2),
    })
    .prefault({}),
  resilience: resilienceOptionsSchema.prefault({}),
  /** Per-provider overrides of `resilience` (e.g. a slower local server). */
  providers: z.record(z.string(), resilienceOptionsSchema.partial()).default({}),
  cascade: z
    .object({
      minGroundedness: z.number().min(0).max(1).default(0.6),
      minCoverage: z.number().min(0).max(1).default(0.75),
      sentenceSupport: z.number().min(0).max(1).default(0.5),
      highRetrievalConfidence: z.number().min(0).max(1).default(0.6),
    })
    .prefault({}),
  /** A trained predictor file (from `groundwork router train`); absent: the rule-based default. */
  predictorPath: z.string().optional(),
  toolRouting: z
    .object({
      /** Below this classifier confidence a request goes to the documents, the safe default. */
      minConfidence: z.number().min(0).max(1).default(0.55),
    })
    .prefault({}),
});
export type RouterOptions = z.infer<typeof routerOptionsSchema>;
