export { PRICE_TABLE, PRICE_TABLE_DATE, type ModelInfo, type ModelKind, type ModelTier } from './price-table.js';
export { createModelRegistry, modelOverrideSchema, type ModelRegistry, type ModelOverride } from './model-registry.js';
export { costOfUsage, worstCaseCost, estimateTokens } from './usage-cost.js';
export { createSystemClock, type Clock } from './clock.js';
export { retryWithBackoff, retryDelayMs, isRetryableError, type RetryOptions, type RetryEvent } from './retry-with-backoff.js';
export { createCircuitBreaker, type CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './circuit-breaker.js';
export { createProviderResilience, withTimeout, type ProviderResilience, type ResilienceOptions, type ResilienceEvents } from './provider-resilience.js';
export { checkAnswer, isRefusal, contentTerms, type AnswerCheckInput, type AnswerCheckThresholds, type AnswerCheckResult } from './answer-check.js';
export { extractRoutingFeatures, ROUTING_FEATURE_NAMES, type RoutingFeatures } from './routing-features.js';
export { createRuleBasedPredictor, RULE_BASED_PRIORS, type SuccessPredictor, type SuccessPrediction, type PredictorFeatures } from './success-predictor.js';
export {
  trainRouterPredictor,
  createTrainedPredictor,
  routerPredictorModelSchema,
  MIN_ROWS_PER_MODEL,
  ROUTER_PREDICTOR_C,
  type RouterTrainingRow,
  type RouterPredictorModel,
} from './train-router-predictor.js';
export { createMemoryBudgetStore, type BudgetStore, type BudgetReservation, type BudgetUsage, type ReserveRequest } from './budget-store.js';
export { createSqlBudgetStore, releaseStaleReservations } from './sql-budget-store.js';
export { createBudgetGuard, utcDay, type BudgetGuard, type BudgetHold, type BudgetSettings } from './budget-guard.js';
export { createSqlCostLedger, createMemoryCostLedger, type CostLedger, type CostLedgerEntry } from './cost-ledger.js';
export { costReport, type CostReport } from './cost-report.js';
export { meterEmbedder } from './metered-embedder.js';
export { selectCheapestCapable, type CandidateScore } from './select-cheapest-capable.js';
export {
  createRouter,
  type Router,
  type CreateRouterArgs,
  type RouterRequest,
  type RunContext,
  type RunOutput,
  type RouteStep,
  type RouteDecision,
  type RoutedAnswer,
} from './create-router.js';
export { routerOptionsSchema, routerPolicySchema, resilienceOptionsSchema, type RouterOptions, type RouterPolicy, type ResilienceSettings } from './router-options.js';
export { TOOL_ROUTING_EXAMPLES, type ToolRoutingExample } from './tool-routing-examples.js';
export { classifyRequest, createRequestClassifier, REQUEST_CLASSIFIER_TRAINING, type RequestClassification, type RequestClassifier } from './request-classifier.js';
export { routeToTool, toolDefinitions, type RouteToToolArgs, type ToolRouteResult } from './route-to-tool.js';
