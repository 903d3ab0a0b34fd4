import type { TokenCounter } from '../models/tokens/token-counter.js';
import type { ChatMessage } from '../models/types.js';

/**
 * Per-message framing tokens of the chat format (`<|start|>role ... <|end|>`) and the reply priming
 * every request adds, from OpenAI's cookbook "How to count tokens with tiktoken"
 * (num_tokens_from_messages: tokens_per_message = 3, plus 3 for the assistant reply priming).
 */
export const TOKENS_PER_MESSAGE = 3;
export const REPLY_PRIMING_TOKENS = 3;

/** Tokens one message costs in a chat prompt: framing, role and content. */
export function countMessageTokens(message: ChatMessage, counter: TokenCounter): number {
  return TOKENS_PER_MESSAGE + counter.count(message.role) + counter.count(message.content);
}

/** Tokens a whole chat prompt costs: every message plus the reply priming. */
export function countPromptTokens(messages: readonly ChatMessage[], counter: TokenCounter): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const message of messages) total += countMessageTokens(message, counter);
  return total;
}
