import { describe, expect, it } from 'vitest';
import { ingestOptionsSchema } from '../../../src/ingest/ingest-options.js';

describe('ingestOptionsSchema', () => {
  it('has the documented defaults', () => {
    const options = ingestOptionsSchema.parse({});
    expect(options).toMatchObject({ chunker: 'markdown', chunkSize: 512, chunkOverlap: 50, tokenizer: 'auto', maxFileBytes: 50 * 1024 * 1024, respectGitignore: true });
    expect(options.json.textFields).toEqual(['text', 'content', 'body']);
    expect(options.csv.rowsPerDocument).toBe(1);
    expect(options.semantic).toEqual({ method: 'percentile', amount: 95 });
  });

  it('names the field and problem for bad values', () => {
    const bad = ingestOptionsSchema.safeParse({ chunkSize: 100, chunkOverlap: 100 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].path).toEqual(['chunkOverlap']);
    expect(ingestOptionsSchema.safeParse({ chunker: 'paragraph' }).success).toBe(false);
    expect(ingestOptionsSchema.safeParse({ chunkSiz: 100 }).success).toBe(false);
  });
});
