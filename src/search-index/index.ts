export { createEnglishAnalyzer, ENGLISH_STOP_WORDS, ANALYZER_VERSION, type Analyzer } from './analyzer.js';
export { idf } from './bm25.js';
export { analyzeWrite, chunkTerms, packAnalysis, type DocumentAnalysis } from './document-analysis.js';
export { BLOCK_CHUNKS, blockGroups, writePostingBlocks, type BlockEntry } from './posting-blocks.js';
export {
  registerEmbedder,
  tenantEmbedders,
  bindEmbedderForIngest,
  switchToBuildingEmbedder,
  checkQueryEmbedder,
  type RegisteredEmbedder,
} from './embedder-binding.js';
