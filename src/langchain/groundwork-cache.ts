import { BaseCache, deserializeStoredGeneration, serializeGeneration } from '@langchain/core/caches';
import type { Generation } from '@langchain/core/outputs';
import type { StoredGeneration } from '@langchain/core/messages';
import type { CacheScope } from '../cache/types.js';
import type { Groundwork } from '../groundwork.js';
import { hashJson } from '../ingest/stable-hash.js';
import { parseFilters } from '../retrieve/filters.js';
import type { Filter, RetrievalMode } from '../retrieve/types.js';

/** How many retrieved chunks an entry's answer is taken to rest on, when none is configured. */
const DEFAULT_DEPENDENCY_K = 4;
/** Marks the last user turn in a chat prompt as LangChain prints it (`getBufferString`). */
const HUMAN_PREFIX = 'Human: ';

export interface GroundworkCacheOptions {
  groundwork: Groundwork;
  /** Default: the configured tenant. */
  tenant?: string;
  /** The retrieval the app's answers rest on (mode, filters, k): it names the documents an entry depends on. */
  mode?: RetrievalMode;
  filters?: Filter[];
  k?: number;
  /**
   * Names the app's prompt template: change it when the template changes, so older answers are not
   * served (the context part of a prompt is not in the key: the question is).
   */
  promptVersion?: string;
  /** The question inside a prompt (default: the last `Human:` turn, else the whole prompt). */
  questionOf?: (prompt: string) => string;
}

/** The last user turn of a LangChain prompt string (`System: ...\nHuman: question`), or the whole prompt. */
export function lastHumanTurn(prompt: string): string {
  const at = prompt.lastIndexOf(`\n${HUMAN_PREFIX}`);
  if (at >= 0) return prompt.slice(at + 1 + HUMAN_PREFIX.length).trim();
  return (prompt.startsWith(HUMAN_PREFIX) ? prompt.slice(HUMAN_PREFIX.length) : prompt).trim();
}

/**
 * A LangChain cache (`new ChatOpenAI({ cache })`) over groundwork's answer cache: exact and
 * semantic lookups of the prompt's question, with groundwork's guards (negation, numbers,
 * entities, comparisons) and document invalidation. An entry rests on the documents retrieval
 * finds for its question; it is dropped when one of them changes. Answers for which retrieval
 * finds nothing are not stored (nothing could invalidate them).
 * @example const model = new ChatOpenAI({ model: 'gpt-4o-mini', cache: new GroundworkCache({ groundwork, tenant: 'acme' }) });
 */
export class GroundworkCache extends BaseCache<Generation[]> {
  private readonly options: GroundworkCacheOptions;
  private readonly filters: Filter[];
  private readonly tenant: string;

  constructor(options: GroundworkCacheOptions) {
    super();
    this.options = options;
    this.filters = parseFilters(options.filters ?? []);
    this.tenant = options.tenant ?? options.groundwork.config.tenant;
  }

  private request(prompt: string, llmKey: string): { question: string; scope: CacheScope } {
    const question = (this.options.questionOf ?? lastHumanTurn)(prompt);
    return {
      question,
      scope: {
        tenant: this.tenant,
        // The model and its call settings (LangChain's llmKey) are the answer configuration here.
        answerConfigHash: hashJson({ langchain: llmKey }),
        promptTemplateVersion: `langchain:${this.options.promptVersion ?? 'default'}`,
        retrievalMode: this.options.mode ?? this.options.groundwork.config.retrieve.mode,
        filters: this.filters,
      },
    };
  }

  async lookup(prompt: string, llmKey: string): Promise<Generation[] | null> {
    if (!this.options.groundwork.config.cache.enabled) return null;
    const found = await this.options.groundwork.cache.lookup(this.request(prompt, llmKey));
    if (!found.hit) return null;
    const stored = (found.entry.metadata as { generations?: StoredGeneration[] }).generations;
    return stored ? stored.map((g) => deserializeStoredGeneration(g) as Generation) : null;
  }

  async update(prompt: string, llmKey: string, value: Generation[]): Promise<void> {
    if (!this.options.groundwork.config.cache.enabled || value.length === 0) return;
    const request = this.request(prompt, llmKey);
    const retrieval = await this.options.groundwork.retrieve({ query: request.question, tenant: this.tenant, mode: this.options.mode, filters: this.filters, k: this.options.k ?? DEFAULT_DEPENDENCY_K });
    const documents = [...new Map(retrieval.chunks.map((c) => [c.documentId, { id: c.documentId, version: c.documentVersion }])).values()];
    if (documents.length === 0) return;
    await this.options.groundwork.cache.store(request, { answer: value[0].text, citations: [], documents, metadata: { generations: value.map(serializeGeneration) } });
  }
}
