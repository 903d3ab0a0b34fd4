import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, parseConfig } from './config/load-config.js';
import type { Config, ConfigInput } from './config/schema.js';
import { assertTenantName } from './config/tenant-name.js';
import { dbOptionsFromConfig, modelsDirFromConfig, openDb } from './db/open-db.js';
import { createEmbedderFromOptions } from './models/create-embedder-from-options.js';
import { createRerankerFromOptions } from './models/create-reranker-from-options.js';
import { noReranker } from './models/no-reranker.js';
import type { Db } from './db/types.js';
import { createChunker, type ChunkerName } from './ingest/chunkers/index.js';
import type { IngestSummary, SourceItem, runIngest } from './ingest/pipeline.js';
import { hashJson } from './ingest/stable-hash.js';
import { portableChunkerSpec, type PortableChunker } from './ingest/prepare-workers.js';
import { createAnswerCache, type AnswerCache, type CacheInfo } from './cache/answer-cache.js';
import { resolveTokenCounter } from './models/tokens/index.js';
import type { Chunker, Loader } from './ingest/types.js';
import { answerQuestion } from './generate/answer-question.js';
import { loadAnswerabilityModel } from './generate/answerability-model.js';
import { streamAnswer } from './generate/stream-answer.js';
import type { AnswerEvent, AnswerResult } from './generate/answer-types.js';
import { createChatModelFromOptions } from './generate/create-chat-model-from-options.js';
import { createLazyTiktokenCounter } from './generate/lazy-tiktoken-counter.js';
import { createEstimatingCounter } from './models/tokens/estimating-counter.js';
import { zeroUsage, type ChatMessage, type ChatModel, type Embedder, type Reranker } from './models/types.js';
import { createEnglishAnalyzer, type Analyzer } from './search-index/analyzer.js';
import { loadChunkEdges } from './retrieve/load-chunk-edges.js';
import { createPostingCache } from './retrieve/posting-cache.js';
import { createRetriever, type Retriever } from './retrieve/retriever.js';
import { createRouter, type RouteDecision, type Router } from './router/create-router.js';
import { createModelRegistry } from './router/model-registry.js';
import { randomUUID } from 'node:crypto';
import { createSqlCostLedger } from './router/cost-ledger.js';
import { createSqlBudgetStore } from './router/sql-budget-store.js';
import { extractRoutingFeatures } from './router/routing-features.js';
import type { Filter, RetrievalMode, RetrieveRequest, RetrieveResult } from './retrieve/types.js';
import type { LoadSourcesOptions } from './ingest/load-sources.js';

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

export interface IngestOptions {
  tenant?: string;
  chunker?: ChunkerName;
  chunkSize?: number;
  chunkOverlap?: number;
  include?: string[];
  exclude?: string[];
  prune?: boolean;
  reembed?: boolean;
  dryRun?: boolean;
  onProgress?: Parameters<typeof runIngest>[1]['onProgress'];
}

export interface AskRequest {
  question: string;
  tenant?: string;
  mode?: RetrievalMode;
  topK?: number;
  filters?: Filter[];
  history?: ChatMessage[];
  /** Overrides generate.refusalThreshold for this request (evaluation uses 0); not cached. */
  refusalThreshold?: number;
  signal?: AbortSignal;
  /**
   * The request's id (the HTTP layer passes its `x-request-id`): it names the cost-ledger rows and
   * the result, so a response can be matched to its ledger rows and logs. Made here when absent.
   */
  requestId?: string;
}

export interface AskResult extends AnswerResult {
  retrieval: Pick<RetrieveResult, 'mode' | 'requestedMode' | 'confidence' | 'notices'>;
  cache: CacheInfo;
  latencyMs: number;
  requestId: string;
  costUsd: number;
  route: RouteDecision;
}

/** Everything groundwork holds for one configuration; build with createGroundwork, end with close(). */
export interface Groundwork {
  readonly config: Readonly<Config>;
  readonly db: Db;
  readonly analyzer: Analyzer;
  readonly embedder?: Embedder;
  readonly reranker?: Reranker;
  readonly chatModel: ChatModel;
  readonly retriever: Retriever;
  readonly router: Router;
  readonly cache: AnswerCache;
  readonly notices: string[];
  /** Ingests files and folders (or ready documents) into a tenant. */
  ingest(paths: string[] | AsyncIterable<SourceItem> | Iterable<SourceItem>, options?: IngestOptions): Promise<IngestSummary>;
  retrieve(request: Omit<RetrieveRequest, 'tenant'> & { tenant?: string }): Promise<RetrieveResult>;
  ask(request: AskRequest): Promise<AskResult>;
  askStream(request: AskRequest): AsyncGenerator<AnswerEvent>;
  /** Builds the chunker the configuration (or overrides) describes. */
  chunkerFor(options?: Pick<IngestOptions, 'chunker' | 'chunkSize' | 'chunkOverlap'>): { chunker: Chunker; fingerprint: Record<string, unknown> };
  close(): Promise<void>;
}

/** The trained success predictor when `groundwork router train` wrote one, else the rule-based default. */
async function loadPredictor(config: Readonly<Config>) {
  const path = config.router.predictorPath ? resolve(config.router.predictorPath) : join(resolve(config.dataDir), 'router-predictor.json');
  if (config.dataDir.startsWith('memory://') || !existsSync(path)) return undefined;
  const { createTrainedPredictor } = await import('./router/train-router-predictor.js');
  return createTrainedPredictor(JSON.parse(readFileSync(path, 'utf8')) as unknown);
}

/**
 * Bumped when the prompt assembly or the extractive answerer's evidence selection changes: cached
 * answers of another version are not served. grounded-2: whole sentences, table rows, title and
 * heading coverage, answer types and guards (2026-12-07).
 */
export const PROMPT_TEMPLATE_VERSION = 'grounded-2';

function isResolved(config: unknown): config is Readonly<Config> {
  // Object.isFrozen(undefined) is true: no config at all is not a resolved one.
  return typeof config === 'object' && config !== null && Object.isFrozen(config);
}

/**
 * Builds groundwork from a configuration: opens the store (PGlite under dataDir, or PostgreSQL
 * at databaseUrl) and migrates it, and wires ingest, retrieval and answering.
 * @example
 * const gw = await createGroundwork({ config: { dataDir: './.groundwork' } });
 * await gw.ingest(['./docs']);
 * const { answer, citations } = await gw.ask({ question: 'What is the travel budget?' });
 * await gw.close();
 */
export async function createGroundwork(options: CreateGroundworkOptions = {}): Promise<Groundwork> {
  const config = isResolved(options.config)
    ? options.config
    : options.useEnvironment === false
      ? parseConfig(options.config ?? {})
      : loadConfig({ overrides: options.config as ConfigInput | undefined });
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
  const configured = options.reranker ?? (await createRerankerFromOptions(config.models.reranker, { modelsDir }));
  const reranker = configured === noReranker ? undefined : configured;
  // Loads tiktoken's ranks at the first prompt: answers from the cache and retrieve-only runs never need them.
  // The offline extractive answerer sends its prompt to no model: its context is packed by an
  // estimate, and a one-shot `ask` does not load tiktoken's ranks. Real models count exactly.
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
  const ledger = createSqlCostLedger(db);
  const router = createRouter({
    models,
    registry,
    // The default policy (fixed on the extractive answerer) follows the configured answerer.
    policy:
      routerOptions.policy.kind === 'fixed' && routerOptions.policy.model === 'extractive' ? { kind: 'fixed', model: chatModel.id } : routerOptions.policy,
    options: routerOptions,
    ledger,
    predictor: await loadPredictor(config),
    budgetStore: hasBudgets ? createSqlBudgetStore(db) : undefined,
  });
  const ownsDb = !options.db;
  const exactStore = config.cache.redisUrl
    ? await (await import('./cache/stores/redis-cache-store.js')).createRedisCacheStore({ url: config.cache.redisUrl })
    : undefined;
  const cache = createAnswerCache({ db, options: config.cache, embedder, reranker, exactStore });
  // Everything that changes an answer besides the question and the documents.
  const answerConfigHash = hashJson({ generate: config.generate, router: config.router.policy, models: models.map((m) => m.id), retrieve: config.retrieve, embedder: embedder?.id ?? null });

  // Also says how a worker thread can rebuild the chunker (ingest chunks off the main thread then).
  const chunkerFor = (overrides: Parameters<Groundwork['chunkerFor']>[0] = {}): ReturnType<Groundwork['chunkerFor']> & { portable: PortableChunker } => {
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

  // Library entry points check the tenant name with the rule config, CLI and HTTP use.
  const retrieve: Groundwork['retrieve'] = async (request) => retriever.retrieve({ ...request, tenant: assertTenantName(request.tenant ?? config.tenant) });

  const prepare = async (request: AskRequest) => {
    const retrieval = await retrieve({ query: request.question, tenant: request.tenant, mode: request.mode, k: request.topK, filters: request.filters });
    if (reranker) retrieval.chunks = retrieval.chunks.slice(0, config.retrieve.topN);
    // The text around each chunk, so a quote is the whole sentence where a chunk boundary cuts it.
    retrieval.chunks = await loadChunkEdges(db, request.tenant ?? config.tenant, retrieval.chunks);
    return {
      retrieval,
      input: {
        question: request.question,
        history: request.history,
        retrieval,
        chatModel,
        refusalThreshold: request.refusalThreshold ?? config.generate.refusalThreshold,
        tokenCounter: promptCounter,
        maxContextTokens: config.generate.maxContextTokens,
        maxOutputTokens: config.generate.maxOutputTokens,
        temperature: config.generate.temperature,
        historyShare: config.generate.historyShare,
        signal: request.signal,
        answerability,
      },
    };
  };

  return {
    config,
    db,
    analyzer,
    embedder,
    reranker,
    chatModel,
    retriever,
    router,
    cache,
    notices,
    chunkerFor,
    async ingest(paths, ingestOptions = {}) {
      const tenant = assertTenantName(ingestOptions.tenant ?? config.tenant);
      const { chunker, fingerprint, portable } = chunkerFor(ingestOptions);
      let source: AsyncIterable<SourceItem> | Iterable<SourceItem>;
      let prune: { sourcePrefixes: string[] } | undefined;
      if (Array.isArray(paths) && (paths.length === 0 || typeof paths[0] === 'string')) {
        const roots = (paths as string[]).map((p) => resolve(p));
        const loadOptions: LoadSourcesOptions = {
          include: ingestOptions.include ?? config.ingest.include,
          exclude: ingestOptions.exclude ?? config.ingest.exclude,
          respectGitignore: config.ingest.respectGitignore,
          maxFileBytes: config.ingest.maxFileBytes,
          json: config.ingest.json,
          csv: config.ingest.csv,
          loaders: options.loaders,
        };
        // The loaders (pdfjs, mammoth, an HTML parser) are imported by the runs that read files.
        const { loadSources } = await import('./ingest/load-sources.js');
        source = loadSources(roots, loadOptions);
        if (ingestOptions.prune) prune = { sourcePrefixes: roots };
      } else {
        source = paths as AsyncIterable<SourceItem> | Iterable<SourceItem>;
      }
      const { runIngest } = await import('./ingest/pipeline.js');
      return runIngest(source, {
        db,
        tenant,
        chunker,
        portableChunker: portable,
        prepareWorkers: config.ingest.prepareWorkers,
        analyzer,
        configFingerprint: fingerprint,
        titleWeight: config.retrieve.titleWeight,
        embedder,
        reembed: ingestOptions.reembed,
        batchDocuments: config.ingest.batchDocuments,
        dryRun: ingestOptions.dryRun,
        prune,
        onProgress: ingestOptions.onProgress,
        onDocumentsChanged: async (changedTenant, ids) => {
          await cache.invalidateDocuments(changedTenant, ids);
        },
      });
    },
    retrieve,
    async ask(request) {
      const started = performance.now();
      const tenant = assertTenantName(request.tenant ?? config.tenant);
      const requestId = request.requestId ?? randomUUID();
      const compute = async (): Promise<Omit<AskResult, 'cache' | 'latencyMs'>> => {
        const { retrieval, input } = await prepare(request);
        const routed = await router.answer(
          {
            tenant,
            route: 'ask',
            // Worst case before the prompt is built: the whole context budget.
            inputTokens: config.generate.maxContextTokens,
            maxTokens: config.generate.maxOutputTokens,
            features: extractRoutingFeatures({ query: request.question, retrieval: { confidence: retrieval.confidence, scores: retrieval.chunks.map((c) => c.score) } }) as never,
            signal: request.signal,
            requestId,
          },
          async (model, context) => {
            const result = await answerQuestion({ ...input, chatModel: model, signal: context.signal, maxOutputTokens: context.maxTokens });
            return {
              ...result,
              check: {
                answer: result.answer,
                citations: result.citations.map((c) => ({ sourceId: String(c.chunkId), quote: c.quote })),
                // With the chunk's edges: a quote completed across a chunk boundary is still the context's text.
                context: retrieval.chunks.map((c) => ({ id: String(c.chunkId), text: `${c.edges?.before ?? ''}${c.text}${c.edges?.after ?? ''}` })),
                retrievalConfidence: retrieval.confidence,
              },
            };
          },
        );
        const { check: _check, ...result } = routed.result;
        const versions = new Map(retrieval.chunks.map((c) => [c.documentId, c.documentVersion]));
        return {
          ...result,
          sources: result.sources.map((s) => ({ ...s, documentVersion: versions.get(s.documentId) })) as typeof result.sources,
          retrieval: { mode: retrieval.mode, requestedMode: retrieval.requestedMode, confidence: retrieval.confidence, notices: retrieval.notices },
          requestId: routed.requestId,
          costUsd: routed.costUsd,
          route: routed.decision,
        };
      };
      // Multi-turn answers depend on the history, and an overridden threshold changes the answer: not cached.
      if (!config.cache.enabled || (request.history && request.history.length > 0) || request.refusalThreshold !== undefined) {
        const result = await compute();
        return { ...result, cache: { hit: false, layer: null, similarity: null }, latencyMs: Math.round(performance.now() - started) };
      }
      const cached = await cache.getOrCompute(
        {
          question: request.question,
          scope: {
            tenant,
            answerConfigHash,
            promptTemplateVersion: PROMPT_TEMPLATE_VERSION,
            retrievalMode: request.mode ?? config.retrieve.mode,
            filters: request.filters ?? [],
          },
        },
        async () => {
          const result = await compute();
          const documents = [...new Map(result.citations.map((c) => [c.documentId, c])).keys()].map((id) => ({
            id,
            version: (result.sources.find((s) => s.documentId === id) as { documentVersion?: number } | undefined)?.documentVersion ?? 0,
          }));
          return { answer: result.answer, citations: result.citations as never, documents, metadata: { result }, cacheable: !result.refused && documents.length > 0 };
        },
      );
      const result = (cached.answer.metadata as { result: Omit<AskResult, 'cache' | 'latencyMs'> }).result;
      // A hit carries the id of the request that computed it: this answer is this request's.
      return { ...result, requestId, ...(cached.cache.hit ? { costUsd: 0, usage: zeroUsage() } : {}), cache: cached.cache, latencyMs: Math.round(performance.now() - started) };
    },
    // Streams take the router's first choice of model under the same budgets and ledger as ask():
    // a budget refusal comes before the first event, and one ledger row is written however the
    // stream ends. A policy that checks whole answers (cascade) cannot check a stream.
    async *askStream(request) {
      const tenant = assertTenantName(request.tenant ?? config.tenant);
      const { input } = await prepare(request);
      yield* router.stream(
        {
          tenant,
          requestId: request.requestId,
          route: 'ask-stream',
          inputTokens: config.generate.maxContextTokens,
          maxTokens: config.generate.maxOutputTokens,
          signal: request.signal,
        },
        (model, context) => streamAnswer({ ...input, chatModel: model, signal: context.signal, maxOutputTokens: context.maxTokens }),
        (event) => (event.type === 'usage' ? event.usage : undefined),
      );
    },
    async close() {
      await embedder?.close?.();
      await reranker?.close?.();
      await cache.close();
      if (ownsDb) await db.close();
    },
  };
}
