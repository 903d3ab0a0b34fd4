import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { exports: Record<string, { types: string; default: string }> };

describe('package exports', () => {
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    it(`${subpath} has a source module that loads and exports something`, async () => {
      const source = target.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts');
      expect(existsSync(`${ROOT}${source}`), `${subpath} -> ${source}`).toBe(true);
      expect(target.types).toBe(target.default.replace(/\.js$/, '.d.ts'));
      const loaded = await import(`${ROOT}${source}`);
      expect(Object.keys(loaded).length).toBeGreaterThan(0);
    }, 60_000);
  }
});
