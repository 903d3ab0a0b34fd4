/**
 * @deprecated Moved to src/models/chat/anthropic-chat-model.ts (beside the ChatModel port); import
 * it from `groundwork/models`. This path re-exports it for one minor version.
 */
export { ANTHROPIC_CONTEXT_WINDOW, createAnthropicChatModel, type AnthropicChatModelOptions } from '../models/chat/anthropic-chat-model.js';
