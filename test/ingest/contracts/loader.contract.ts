import { describe, expect, it } from 'vitest';
import { SkipError } from '../../../src/ingest/loaders/load-skip.js';
import type { LoadedDocument, Loader } from '../../../src/ingest/types.js';
import { mulberry32 } from '../../../src/random.js';

/** One loader under test, with a small valid file of its format. */
export interface LoaderContractSubject {
  loader: Loader;
  sample: {
    /** File name, with one of the loader's extensions. */
    name: string;
    bytes: Uint8Array;
    /** Words the loaded text must hold (whatever markup the format wraps them in). */
    phrase: string;
  };
}

/** A path no file exists at: a loader reads the bytes it is given, never the disk. */
const NOWHERE = '/nonexistent/groundwork-loader-contract';
const MTIME = new Date('2024-05-01T12:00:00Z');

/**
 * The Loader contract: every loader groundwork ships must honour it. Loaders turn bytes into
 * documents; they judge nothing else (size limits, walking, encodings of paths are loadFile's).
 */
export function loaderContract(subject: LoaderContractSubject): void {
  const { loader, sample } = subject;
  const load = (bytes: Uint8Array, name = sample.name): Promise<LoadedDocument[]> =>
    loader.load({ path: `${NOWHERE}/${name}`, relativePath: name, bytes, mtime: MTIME });

  describe(`loader contract: ${loader.name}`, () => {
    it('has a name and lowercase dotted extensions, each once', () => {
      expect(loader.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(loader.extensions.length).toBeGreaterThan(0);
      for (const extension of loader.extensions) expect(extension).toMatch(/^\.[a-z0-9]+$/);
      expect(new Set(loader.extensions).size).toBe(loader.extensions.length);
      expect(loader.extensions).toContain(sample.name.slice(sample.name.lastIndexOf('.')).toLowerCase());
    });

    it('loads its format from the bytes given into well-formed documents', async () => {
      const documents = await load(sample.bytes);
      expect(documents.length).toBeGreaterThan(0);
      for (const document of documents) {
        expect(typeof document.externalId).toBe('string');
        expect(document.externalId.length).toBeGreaterThan(0);
        expect(typeof document.source).toBe('string');
        expect(typeof document.title).toBe('string');
        expect(['text', 'markdown']).toContain(document.format);
        expect(document.text.trim().length).toBeGreaterThan(0);
        expect(Object.getPrototypeOf(document.metadata)).toBe(Object.prototype);
        // Sections, when given, are slices of the text, in order.
        let cursor = 0;
        for (const section of document.sections ?? []) {
          const at = document.text.indexOf(section.text, cursor);
          expect(at, `section ${JSON.stringify(section.text.slice(0, 40))} is in the text after offset ${cursor}`).toBeGreaterThanOrEqual(0);
          cursor = at + section.text.length;
          if (section.page !== undefined) expect(Number.isInteger(section.page) && section.page >= 1).toBe(true);
        }
      }
      const words = documents.map((d) => d.text).join('\n').replace(/\s+/g, ' ');
      expect(words).toContain(sample.phrase);
      // Documents of one file have distinct ids (records of a JSONL or CSV file included).
      expect(new Set(documents.map((d) => d.externalId)).size).toBe(documents.length);
    });

    it('gives the same documents for the same bytes', async () => {
      expect(await load(sample.bytes)).toEqual(await load(sample.bytes));
    });

    it('fails on bytes it cannot read only with a SkipError, never another error', async () => {
      const random = mulberry32(loader.name.length * 7919);
      const garbage = Uint8Array.from({ length: 512 }, () => Math.floor(random() * 256));
      for (const bytes of [new Uint8Array(0), garbage, sample.bytes.slice(0, Math.floor(sample.bytes.length / 2))]) {
        try {
          const documents = await load(bytes);
          expect(Array.isArray(documents)).toBe(true);
        } catch (error) {
          expect(error, `${loader.name} on ${bytes.length} bytes threw ${(error as Error).message}`).toBeInstanceOf(SkipError);
          expect((error as SkipError).path).toContain(sample.name);
        }
      }
    });

    it('sniffs its own format, and answers (never throws) for anything else', () => {
      if (!loader.sniff) return;
      expect(loader.sniff(sample.bytes.slice(0, 512))).toBe(true);
      expect(typeof loader.sniff(new Uint8Array(0))).toBe('boolean');
      expect(typeof loader.sniff(Uint8Array.from({ length: 64 }, (_, i) => (i * 31) % 256))).toBe('boolean');
    });
  });
}
