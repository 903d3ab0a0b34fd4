import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/output.js';

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', isTty: false, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
  return io;
}

describe('groundwork ingest over a folder with bad files', () => {
  it('skips each bad file with its reason, keeps going, exits 0 and loses nothing stored', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gw-ingest-'));
    const docs = join(root, 'docs');
    const outside = join(root, 'outside');
    mkdirSync(docs);
    mkdirSync(outside);
    writeFileSync(join(docs, 'good.md'), '# Good\n\nThe warranty lasts 24 months.\n');
    writeFileSync(join(docs, 'notes.txt'), 'Plain notes about the cafeteria opening hours: 8 to 16.');
    writeFileSync(join(docs, 'empty.md'), '');
    writeFileSync(join(docs, 'binary.txt'), Buffer.from([0, 1, 2, 3, 0, 255, 0, 0, 7, 8]));
    writeFileSync(join(docs, 'broken.json'), '{"id": 1, "text": ');
    writeFileSync(join(docs, 'bad-utf8.txt'), Buffer.from([0x48, 0x69, 0x20, 0xc3, 0x28, 0x20, 0x6f, 0x6b]));
    writeFileSync(join(docs, 'truncated.pdf'), '%PDF-1.4\n1 0 obj << /Type /Catalog');
    writeFileSync(join(outside, 'secret.md'), '# Secret\n\nDo not ingest.');
    symlinkSync(join(outside, 'secret.md'), join(docs, 'link.md'));
    const env = { GROUNDWORK_DATA_DIR: join(root, 'data') };

    const io = capture();
    expect(await main(['ingest', docs, '--json'], io, env)).toBe(0);
    const summary = JSON.parse(io.out);
    expect(summary.documents.added).toBe(2);
    const reasons = Object.fromEntries(summary.skipped.map((s: { path: string; reason: string }) => [s.path.split('/').pop(), s.reason.split(':')[0]]));
    expect(reasons).toMatchObject({
      'empty.md': 'empty',
      'binary.txt': 'binary',
      'broken.json': 'malformed-json',
      'bad-utf8.txt': 'invalid-utf8',
      'truncated.pdf': 'corrupt',
      'link.md': 'outside-root',
    });
    expect(summary.documents.skipped).toBe(6);

    const ask = capture();
    expect(await main(['ask', 'How long does the warranty last?', '--json'], ask, env)).toBe(0);
    expect(JSON.parse(ask.out).answer).toMatch(/24 months/);
    const secret = capture();
    expect(await main(['retrieve', 'secret ingest', '--json'], secret, env)).toBe(0);
    expect(JSON.parse(secret.out).chunks).toEqual([]);
  });
});
