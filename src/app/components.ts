/**
 * The wiring: builds every component groundwork runs from a configuration and plug-ins. It runs
 * no use case; the use cases (src/app/ask.ts, ask-stream.ts, ingest.ts, retrieve.ts,
 * documents.ts) take what it builds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, parseConfig } from '../config/load-config.js';
import type { Config, ConfigInput } from '../config/schema.js';
import { dbOptionsFromConfig, modelsDirFromConfig, openDb } from '../db/open-db.js';
import type { Db } from '../db/types.js';
import { createEmbedderFromOptions } from '../models/create-embedder-from-options.js';
import { createRerankerFromOptions } from '../models/create-reranker-from-options.js';
import { noReranker } from '../models/no-reranker.js';
import { createChunker, type ChunkerName } from '../ingest/chunkers/index.js';
import { hashJson } from '../ingest/stable-hash.js';
import { portableChunkerSpec, type PortableChunker } from '../ingest/prepare-workers.js';
import { createAnswerCache, type AnswerCache } from '../cache/answer-cache.js';
import { resolveTokenCounter } from '../models/tokens/index.js';
import type { TokenCounter } from '../models/tokens/token-counter.js';
import type { Chunker, Loader } from '../ingest/types.js';
import { loadAnswerabilityModel, type AnswerabilityModel } from '../generate/answerability-model.js';
import { EXTRACTIVE_ANSWERER_VERSION } from '../generate/answer-extractively.js';
import { createChatModelFromOptions } from '../generate/create-chat-model-from-options.js';
import { createLazyTiktokenCounter } from '../generate/lazy-tiktoken-counter.js';
import { createEstimatingCounter } from '../models/tokens/estimating-counter.js';
import type { ChatModel, Embedder, Reranker } from '../models/types.js';
import { createEnglishAnalyzer, type Analyzer } from '../search-index/analyzer.js';
import { createPostingCache } from '../retrieve/posting-cache.js';
import { createRetriever, type Retriever } from '../retrieve/retriever.js';
import { createRouter, type Router } from '../router/create-router.js';
import { createModelRegistry } from '../router/model-registry.js';
import { createSqlCostLedger } from '../router/cost-ledger.js';
import { createSqlBudgetStore } from '../router/sql-budget-store.js';
import { observeQueryEmbeddings } from '../monitor/query-embedding-capture.js';

/** Your own components, used instead of the configured ones. */
export interface GroundworkPlugins {
  db?: Db;
  /** Extra chat models the router policy can name (cascade, fallback, cheapest-capable). */
  chatModels?: ChatModel[];
  loaders?: Loader[];
  chunker?: Chunker;
  embedder?: Embedder;
  reranker?: Reranker;
  chatModel?: ChatModel;
}

export interface CreateGroundworkOptions extends GroundworkPlugins {
  /** Config values; environment and groundwork.config.json fill the rest unless `config` is already resolved. */
  config?: ConfigInput | Readonly<Config>;
  /** Read GROUNDWORK_* / DATABASE_URL and groundwork.config.json (default true). */
  useEnvironment?: boolean;
}

/** Chunking overrides of one ingest run. */
export interface ChunkerOverrides {
  chunker?: ChunkerName;
  chunkSize?: number;
  chunkOverlap?: number;
}

/** The chunker for a run, its fingerprint (stored with the index), and how a worker thread rebuilds it. */
export interface ChunkerChoice {
  chunker: Chunker;
  fingerprint: Record<string, unknown>;
  portable: PortableChunker;
}

/** Everything one configuration runs with; built once by buildComponents, ended by close(). */
export interface Components {
  readonly config: Readonly<Config>;
  readonly db: Db;
  readonly analyzer: Analyzer;
  readonly embedder?: Embedder;
  readonly reranker?: Reranker;
  readonly chatModel: ChatModel;
  /** Counts prompt tokens for the configured answerer (an estimate for the offline extractive one). */
  readonly promptCounter: TokenCounter;
  readonly answerability?: AnswerabilityModel;
  readonly retriever: Retriever;
  readonly router: Router;
  readonly cache: AnswerCache;
  readonly loaders?: Loader[];
  /** Hash of everything that changes an answer besides the question and the documents. */
  readonly answerConfigHash: string;
  readonly notices: string[];
  chunkerFor(overrides?: ChunkerOverrides): ChunkerChoice;
  close(): Promise<void>;
}

/**
 * Bumped when the prompt assembly or the extractive answerer's evidence selection changes: cached
 * answers of another version are not served. grounded-2: whole sentences, table rows, title and
 * heading coverage, answer types and guards (2026-12-07).
 */
export const PROMPT_TEMPLATE_VERSION = 'grounded-2';

/** The trained success predictor when `groundwork router train` wrote one, else the rule-based default. */
async function loadPredictor(config: Readonly<Config>) {
  const path = config.router.predictorPath ? resolve(config.router.predictorPath) : join(resolve(config.dataDir), 'router-predictor.json');
  if (config.dataDir.startsWith('memory://') || !existsSync(path)) return undefined;
  const { createTrainedPredictor } = await import('../router/train-router-predictor.js');
  return createTrainedPredictor(JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

function isResolved(config: unknown): config is Readonly<Config> {
  // Object.isFrozen(undefined) is true: no config at all is not a resolved one.
  return typeof config === 'object' && config !== null && Object.isFrozen(config);
}

/** The configuration the options describe: resolved as given, or parsed (with the environment unless told not to). */
export function resolveConfig(options: CreateGroundworkOptions): Readonly<Config> {
  if (isResolved(options.config)) return options.config;
  return options.useEnvironment === false ? parseConfig(options.config ?? {}) : loadConfig({ overrides: options.config as ConfigInput | undefined });
}

/**
 * Opens the store (PGlite under dataDir, or PostgreSQL at databaseUrl) and migrates it, and builds
 * the models, retriever, router and cache the configuration names; plug-ins replace configured parts.
 */
export async function buildComponents(options: CreateGroundworkOptions = {}): Promise<Components> {
  const config = resolveConfig(options);
  const notices: string[] = [];
  const db = options.db ?? (await openDb(dbOptionsFromConfig(config)));
  const analyzer = createEnglishAnalyzer();
  const modelsDir = modelsDirFromConfig(config);
  let embedder = options.embedder;
  if (!embedder && !('embedder' in options)) {
    const choice = await createEmbedderFromOptions(config.models.embedder, { modelsDir });
    embedder = choice.embedder;
    if (!embedder) notices.push(choice.reason);
  }
  // Query embeddings are observed for the monitor's embedding drift (a no-op outside a request's telemetry).
  if (embedder) embedder = observeQueryEmbeddings(embedder);
  const configured = options.reranker ?? (await createRerankerFromOptions(config.models.reranker, { modelsDir }));
  const reranker = configured === noReranker ? undefined : configured;
  // The offline extractive answerer sends its prompt to no model: its context is packed by an
  // estimate, and a one-shot `ask` does not load tiktoken's ranks. Real models count exactly,
  // loading the ranks at the first prompt (cache hits and retrieve-only runs never need them).
  const promptCounter = !options.chatModel && config.generate.provider === 'extractive' ? createEstimatingCounter() : createLazyTiktokenCounter(config.generate.encoding);
  const chatModel = options.chatModel ?? createChatModelFromOptions(config.generate, { tokenCounter: promptCounter });
  // Read once here: a missing or malformed model file fails at start, naming the key.
  const answerability = loadAnswerabilityModel(config.generate.answerability.model);
  const postingCache = config.retrieve.postingCache.maxPostings > 0 ? createPostingCache(config.retrieve.postingCache) : undefined;
  const retriever = createRetriever({ db, analyzer, options: config.retrieve, embedder, reranker, postingCache });
  const models = [chatModel, ...(options.chatModels ?? []).filter((m) => m.id !== chatModel.id)];
  const routerOptions = config.router;
  const hasBudgets = routerOptions.budgets.perRequestUsd !== null || routerOptions.budgets.dailyPerTenantUsd !== null || Object.keys(routerOptions.budgets.tenants).length > 0;
  // Models handed in as plug-ins may be unknown to the price table: they are recorded at $0, and
  // said so once. Configured providers must be priced (router.models) or the start fails.
  const pluginIds = new Set([options.chatModel, ...(options.chatModels ?? [])].filter((m): m is ChatModel => m !== undefined).map((m) => m.id));
  const baseRegistry = createModelRegistry(routerOptions.models);
  const unpriced = models.filter((m) => pluginIds.has(m.id) && !baseRegistry.has(m.id));
  for (const m of unpriced) notices.push(`chat model ${m.id} is not in the price table: its calls are recorded at $0 (add a router.models entry with its prices)`);
  const registry = unpriced.length
    ? createModelRegistry([...routerOptions.models, ...unpriced.map((m) => ({ id: m.id, inputPerMillion: 0, outputPerMillion: 0, contextWindow: m.contextWindow, tier: 'medium' as const }))])
    : baseRegistry;
  const router = createRouter({
    models,
    registry,
    // The default policy (fixed on the extractive answerer) follows the configured answerer.
    policy:
      routerOptions.policy.kind === 'fixed' && routerOptions.policy.model === 'extractive' ? { kind: 'fixed', model: chatModel.id } : routerOptions.policy,
    options: routerOptions,
    ledger: createSqlCostLedger(db),
    predictor: await loadPredictor(config),
    budgetStore: hasBudgets ? createSqlBudgetStore(db) : undefined,
  });
  const ownsDb = !options.db;
  const exactStore = config.cache.redisUrl
    ? await (await import('../cache/stores/redis-cache-store.js')).createRedisCacheStore({ url: config.cache.redisUrl })
    : undefined;
  const cache = createAnswerCache({ db, options: config.cache, embedder, reranker, exactStore });
  // Everything that shapes an answer scopes the cache: the configuration, the extractive answerer's
  // version and the answer-or-refuse model's weights (a retrained model or an upgraded answerer
  // must not be served answers cached by the old one).
  const answerConfigHash = hashJson({
    generate: config.generate,
    router: config.router.policy,
    models: models.map((m) => m.id),
    retrieve: config.retrieve,
    embedder: embedder?.id ?? null,
    extractive: EXTRACTIVE_ANSWERER_VERSION,
    answerability: answerability ? hashJson(answerability) : null,
  });

  const chunkerFor = (overrides: ChunkerOverrides = {}): ChunkerChoice => {
    if (options.chunker) {
      return { chunker: options.chunker, fingerprint: { chunker: options.chunker.name }, portable: { reason: `plug-in chunker ${options.chunker.name} runs on the main thread` } };
    }
    const name = (overrides.chunker ?? config.ingest.chunker) as ChunkerName;
    const { counter, source } = resolveTokenCounter({ embedder, tokenizer: config.ingest.tokenizer });
    let maxTokens = overrides.chunkSize ?? config.ingest.chunkSize;
    if (embedder) maxTokens = Math.min(maxTokens, embedder.maxInputTokens);
    const overlap = Math.min(overrides.chunkOverlap ?? config.ingest.chunkOverlap, Math.max(0, maxTokens - 1));
    const chunker = createChunker(name, { maxTokens, overlap, tokenCounter: counter, embedder, semanticBreakpoint: config.ingest.semantic });
    const portable = portableChunkerSpec({ chunker: name, maxTokens, overlap, tokenizerSource: source, counterName: counter.name });
    return { chunker, fingerprint: { chunker: name, maxTokens, overlap, tokenizer: `${source}:${counter.name}` }, portable };
  };

  return {
    config,
    db,
    analyzer,
    embedder,
    reranker,
    chatModel,
    promptCounter,
    answerability,
    retriever,
    router,
    cache,
    loaders: options.loaders,
    answerConfigHash,
    notices,
    chunkerFor,
    async close() {
      await embedder?.close?.();
      await reranker?.close?.();
      await cache.close();
      if (ownsDb) await db.close();
    },
  };
}
