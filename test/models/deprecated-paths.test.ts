import { describe, expect, it } from 'vitest';
import * as oldAnthropic from '../../src/generate/anthropic-chat-model.js';
import * as oldMinimums from '../../src/generate/anthropic-cache-minimums.js';
import * as generate from '../../src/generate/index.js';
import * as oldOpenAI from '../../src/generate/openai-chat-model.js';
import * as models from '../../src/models/index.js';
import * as router from '../../src/router/index.js';

describe('the chat adapters moved to src/models/chat; the old paths still export them', () => {
  it('exports the same functions from groundwork/models, groundwork/generate and the old source paths', () => {
    for (const source of [generate, oldOpenAI]) {
      expect(source.createOpenAIChatModel).toBe(models.createOpenAIChatModel);
      expect(source.OPENAI_CONTEXT_WINDOWS).toBe(models.OPENAI_CONTEXT_WINDOWS);
    }
    for (const source of [generate, oldAnthropic]) expect(source.createAnthropicChatModel).toBe(models.createAnthropicChatModel);
    for (const source of [generate, oldMinimums]) expect(source.minCacheableTokens).toBe(models.minCacheableTokens);
  });

  it('groundwork/generate and groundwork/router export the one refusal detector', () => {
    expect(router.isRefusal).toBe(generate.isRefusal);
  });
});
