export { createTiktokenCounter, TIKTOKEN_ENCODINGS } from './tiktoken-counter.js';
export { isPieceBoundary } from './piece-boundary.js';
export type { TiktokenCounter, TiktokenEncodingName } from './tiktoken-counter.js';
export { createEmbedderTokenCounter } from './embedder-token-counter.js';
export { resolveTokenCounter } from './resolve-token-counter.js';
export { tokenizeText } from './generic-tokenized-text.js';
export { isTokenizingCounter, tokensEndingBy } from './tokenized-text.js';
export type { TokenizedText, TokenizingCounter } from './tokenized-text.js';
export { createEstimatingCounter, CHARS_PER_TOKEN_ESTIMATE } from './estimating-counter.js';
