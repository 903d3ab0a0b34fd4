/**
 * @deprecated Moved to src/models/chat/openai-chat-model.ts (beside the ChatModel port); import it
 * from `groundwork/models`. This path re-exports it for one minor version.
 */
export { createOpenAIChatModel, DEFAULT_UNKNOWN_CONTEXT_WINDOW, OPENAI_CONTEXT_WINDOWS, type OpenAIChatModelOptions } from '../models/chat/openai-chat-model.js';
