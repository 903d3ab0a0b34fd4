export { answerExtractively, EXTRACTIVE_MIN_COVERAGE, OTHER_DOCUMENT_SCORE_SHARE, type ExtractiveAnswer, type ExtractiveOptions } from './answer-extractively.js';
export { answerQuestion } from './answer-question.js';
export type { AnswerEvent, AnswerQuestionInput, AnswerResult, AnswerSource } from './answer-types.js';
/** @deprecated Moved to groundwork/models (src/models/chat/); re-exported here for one minor version. */
export { ANTHROPIC_MIN_CACHEABLE_TOKENS, DEFAULT_MIN_CACHEABLE_TOKENS, minCacheableTokens } from '../models/chat/anthropic-cache-minimums.js';
/** @deprecated Moved to groundwork/models (src/models/chat/); re-exported here for one minor version. */
export { ANTHROPIC_CONTEXT_WINDOW, createAnthropicChatModel, type AnthropicChatModelOptions } from '../models/chat/anthropic-chat-model.js';
export { bestMatchingSentence, termOverlap } from './best-matching-sentence.js';
export { buildPrompt, type BuildPromptInput, type BuiltPrompt } from './build-prompt.js';
export { citationLabel, citationName, type CitableSource } from './citation-label.js';
export type { Citation, DroppedCitation, ResolvedCitations } from './citation-types.js';
export { appendSalientTerms, CONDENSE_SYSTEM_PROMPT, condenseQuestion, type CondensedQuestion } from './condense-question.js';
export { contentTerms, isStopWord, words } from './content-terms.js';
export { countMessageTokens, countPromptTokens, REPLY_PRIMING_TOKENS, TOKENS_PER_MESSAGE } from './count-message-tokens.js';
export { createChatModelFromOptions, type ChatModelExtras } from './create-chat-model-from-options.js';
export { ANSWERABILITY_FEATURES, answerabilityFeatures, type AnswerabilityFeatures } from './answerability-features.js';
export {
  ANSWERABILITY_EXTRACTIVE_MIN_COVERAGE,
  decideAnswerability,
  DEFAULT_ANSWERABILITY_MODEL_PATH,
  loadAnswerabilityModel,
  parseAnswerabilityModel,
  scoreAnswerability,
  type AnswerabilityDecision,
  type AnswerabilityModel,
} from './answerability-model.js';
export { confidenceBaseline, evaluateAnswerability, trainAnswerability, type AnswerabilityRow } from './train-answerability.js';
export { extractiveOptionsSchema } from './extractive-options.js';
export { createExtractiveAnswerer, EXTRACTIVE_CONTEXT_WINDOW, isExtractiveAnswerer, type ExtractiveAnswerer } from './extractive-answerer.js';
export {
  beginFenceLine,
  createFence,
  endFenceLine,
  NEUTRALIZED_FENCE,
  neutralizeFence,
  parseFencedDocuments,
  renderFencedDocument,
  type ParsedFencedDocument,
} from './fence.js';
export {
  DEFAULT_EXTRACTIVE_MAX_SENTENCES,
  DEFAULT_HISTORY_SHARE,
  DEFAULT_MAX_CONTEXT_TOKENS,
  DEFAULT_MAX_FALSE_REFUSAL,
  DEFAULT_MAX_OUTPUT_TOKENS,
  DEFAULT_MODELS,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  DEFAULT_REFUSAL_THRESHOLD,
  DEFAULT_TEMPERATURE,
  createGenerateOptionsSchema,
  generateOptionsSchema,
  type GenerateOptions,
  type GenerateOptionsInput,
} from './generate-options.js';
/** @deprecated Moved to groundwork/models (src/models/chat/); re-exported here for one minor version. */
export { createOpenAIChatModel, DEFAULT_UNKNOWN_CONTEXT_WINDOW, OPENAI_CONTEXT_WINDOWS, type OpenAIChatModelOptions } from '../models/chat/openai-chat-model.js';
export { contextDocument, DOCUMENT_SEPARATOR, leadingSentences, packContext, type ContextDocument, type PackedContext } from './pack-context.js';
export { parseCitationMarkers, type CitationMarker } from './parse-citation-markers.js';
export { prepareAnswer, sourcesOf, type AnswerPlan } from './prepare-answer.js';
export { isRefusal, REFUSAL_PATTERNS, REFUSAL_TEXT, type RefusalReason } from './refusal.js';
export { resolveCitations } from './resolve-citations.js';
export { splitSentences, type SentenceSpan } from './split-sentences.js';
export { evidenceUnits, type EvidenceUnit } from './evidence-units.js';
export { markdownTables, type MarkdownTable, type TableRowUnit } from './table-row-units.js';
export { wholeSentences, shortenAroundClause, ELLIPSIS, MAX_QUOTE_WORDS, type WholeSentence } from './whole-sentence.js';
export { expectedAnswerType, hasAnswerType, type AnswerType } from './expected-answer-type.js';
export { evidenceMismatches } from './evidence-mismatches.js';
export { streamAnswer } from './stream-answer.js';
export { GROUNDED_SYSTEM_PROMPT } from './system-prompt.js';
export { createTiktokenCounter, type TiktokenCounter } from './tiktoken-counter.js';
export { asProviderFailure, toProviderError, type ProviderCallContext } from '../models/provider-error.js';
