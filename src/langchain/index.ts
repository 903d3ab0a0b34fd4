/**
 * groundwork for LangChain.js (`groundwork/langchain`): retrieval, the answer cache and asking as
 * LangChain components, and LangChain models and embeddings as groundwork plug-ins.
 */
export { GroundworkRetriever, chunkToDocument, formatDocumentsWithCitations, type GroundworkRetrieverInput, type GroundworkDocumentMetadata } from './groundwork-retriever.js';
export { GroundworkCache, lastHumanTurn, type GroundworkCacheOptions } from './groundwork-cache.js';
export { createAskGroundworkTool, type AskGroundworkToolOptions, type AskGroundworkArtifact } from './ask-groundwork-tool.js';
export { chatModelFromLangChain, type ChatModelFromLangChainOptions } from './chat-model-from-langchain.js';
export { embedderFromLangChain, type EmbedderFromLangChainOptions } from './embedder-from-langchain.js';
