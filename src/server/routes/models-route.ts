import type { Hono } from 'hono';
import { GroundworkError } from '../../errors.js';
import type { Groundwork } from '../../groundwork.js';
import type { AppEnv, RouteDeps } from '../app-env.js';

/**
 * The model name OpenAI clients send to `/v1/chat/completions`: the server's one answer
 * configuration (its router policy over its chat models, retrieval and prompt settings).
 */
export const ANSWER_MODEL_ID = 'groundwork';

/** One entry of OpenAI's model list, with what groundwork adds under `groundwork`. */
export interface OpenAIModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  groundwork: Record<string, unknown>;
}

/**
 * The configured answer configuration and the installed embedding model (when there is one), in
 * OpenAI's model shape. Nothing here depends on the tenant: every key sees the same list.
 */
export function listOpenAIModels(groundwork: Groundwork, created: number): OpenAIModel[] {
  const policy = groundwork.config.router.policy;
  const chatModels = policy.kind === 'fixed' ? [policy.model === 'extractive' ? groundwork.chatModel.id : policy.model] : policy.models;
  const models: OpenAIModel[] = [
    {
      id: ANSWER_MODEL_ID,
      object: 'model',
      created,
      owned_by: 'groundwork',
      groundwork: { kind: 'answer', endpoint: '/v1/chat/completions', policy: policy.kind, chatModels, retrievalMode: groundwork.config.retrieve.mode },
    },
  ];
  const embedder = groundwork.embedder;
  if (embedder) {
    models.push({
      id: embedder.id,
      object: 'model',
      created,
      owned_by: embedder.id.split(':')[0] || 'groundwork',
      groundwork: { kind: 'embedding', endpoint: '/v1/embeddings', dimensions: embedder.dimensions, maxInputTokens: embedder.maxInputTokens, revision: embedder.revision },
    });
  }
  return models;
}

/**
 * `GET /v1/models` (OpenAI's list shape) and `GET /v1/models/:model` (one model, 404 for another
 * name; ids with `/` or `:` are sent URL-encoded, as OpenAI's SDKs do). Auth as every /v1 route; the list is the same for every tenant.
 */
export function registerModelsRoute(app: Hono<AppEnv>, deps: RouteDeps): void {
  const { groundwork } = deps;
  // OpenAI's `created` is a Unix time: the time this server started serving these models.
  const created = Math.floor(Date.now() / 1000);
  app.get('/v1/models', (c) => c.json({ object: 'list', data: listOpenAIModels(groundwork, created) }));
  app.get('/v1/models/:model', (c) => {
    const name = c.req.param('model');
    const model = listOpenAIModels(groundwork, created).find((m) => m.id === name);
    if (!model) throw new GroundworkError('NOT_FOUND', `model "${name}" does not exist on this server (GET /v1/models lists them)`, { details: { model: name } });
    return c.json(model);
  });
}
