import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSources, READ_AHEAD_BYTES, READ_AHEAD_FILES } from '../../src/ingest/load-sources.js';
import type { Loader } from '../../src/ingest/types.js';

/** A loader for `.slow` files that takes a few ms and records how many of its loads overlap. */
function slowLoader(): Loader & { maxInFlight: number } {
  let inFlight = 0;
  const loader = {
    name: 'slow',
    extensions: ['.slow'],
    maxInFlight: 0,
    async load({ path, relativePath, bytes }: { path: string; relativePath: string; bytes: Uint8Array }) {
      inFlight += 1;
      loader.maxInFlight = Math.max(loader.maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      return [{ externalId: relativePath, source: path, title: relativePath, text: `${bytes.byteLength} bytes`, format: 'text' as const, metadata: {} }];
    },
  };
  return loader;
}

async function collect(dir: string, loader: Loader): Promise<string[]> {
  const out: string[] = [];
  for await (const item of loadSources([dir], { maxFileBytes: 64 * 1024 * 1024, loaders: [loader] })) out.push('document' in item ? item.document.externalId : `skip:${item.skip.reason.split(':')[0]}`);
  return out;
}

describe('loadSources reads a few files ahead', () => {
  it('keeps several small files in flight, never more than READ_AHEAD_FILES, and hands them out in walk order with skips in place', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-read-ahead-'));
    const names = Array.from({ length: 40 }, (_, i) => `f${String(i).padStart(2, '0')}.slow`);
    for (const name of names) writeFileSync(join(dir, name), `file ${name}`);
    writeFileSync(join(dir, 'f10a.bin'), Buffer.from([0, 1, 2, 0, 255]));
    writeFileSync(join(dir, 'f20a.slow'), '');
    const loader = slowLoader();
    const got = await collect(dir, loader);
    const expected = [...names, 'f10a.bin', 'f20a.slow'].sort().map((name) => (name === 'f10a.bin' ? 'skip:binary' : name === 'f20a.slow' ? 'skip:empty' : name));
    expect(got).toEqual(expected);
    expect(loader.maxInFlight).toBeGreaterThan(1);
    expect(loader.maxInFlight).toBeLessThanOrEqual(READ_AHEAD_FILES);
  });

  it('reads files larger than READ_AHEAD_BYTES one at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-read-ahead-big-'));
    for (let i = 0; i < 3; i += 1) writeFileSync(join(dir, `big${i}.slow`), Buffer.alloc(READ_AHEAD_BYTES + 1, 97));
    const loader = slowLoader();
    expect(await collect(dir, loader)).toEqual(['big0.slow', 'big1.slow', 'big2.slow']);
    expect(loader.maxInFlight).toBe(1);
  });
});
