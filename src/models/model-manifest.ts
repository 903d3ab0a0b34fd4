/**
 * `groundwork.json`: the small manifest that sits in each installed model folder and says how to
 * use the model (kind, pooling, prefixes, token limit) and what it is (id, revision, dimensions,
 * file hashes). Written by `importModel`/`pullModel`; read by the local embedder and reranker.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { GroundworkError } from '../errors.js';

/** File name of the manifest inside a model folder. */
export const MODEL_MANIFEST_FILE = 'groundwork.json';

/** Usage hints: all optional; missing ones come from the model-family table, then the model config. */
export const modelUsageSchema = z.object({
  kind: z.enum(['embedder', 'reranker']).optional(),
  pooling: z.enum(['mean', 'cls']).optional(),
  queryPrefix: z.string().optional(),
  documentPrefix: z.string().optional(),
  maxInputTokens: z.number().int().positive().optional(),
});

/** The manifest: usage hints plus the model's identity. */
export const modelManifestSchema = modelUsageSchema.extend({
  id: z.string().min(1),
  revision: z.string().optional(),
  dimensions: z.number().int().positive().optional(),
  /** sha256 (hex) of every file, keyed by path relative to the model folder. */
  files: z.record(z.string(), z.string()).optional(),
  source: z.enum(['import', 'pull', 'generated']).optional(),
  installedAt: z.string().optional(),
});

export type ModelUsage = z.infer<typeof modelUsageSchema>;
export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** Reads `groundwork.json` from a model folder; undefined when absent, an error when malformed. */
export async function readModelManifest(modelDir: string): Promise<ModelManifest | undefined> {
  const path = join(modelDir, MODEL_MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new GroundworkError('CONFIG', `${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = modelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new GroundworkError('CONFIG', `${path}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`, { details: { path } });
  }
  return parsed.data;
}
