import { createHash, type Hash } from 'node:crypto';

/** Strings longer than this are escaped and hashed in pieces of this many UTF-16 code units. */
const PIECE = 8192;

/**
 * sha256 (hex) of a stable JSON rendering of `value`: object keys sorted, `undefined` and
 * functions rendered as `null`, other objects (Date, Map) by their own enumerable keys.
 *
 * The rendering is fed to the hash as it is produced, and long strings (document texts) are
 * escaped a piece at a time, so hashing a 200 KB document allocates no string of its size: large
 * strings go straight to V8's old space, and during ingest they set how far the heap grows between
 * full collections. The bytes hashed are exactly those of the whole rendering, so stored content
 * hashes stay valid.
 * @example hashJson({ b: 1, a: [true, null] }) // sha256 of '{"a":[true,null],"b":1}'
 */
export function hashJson(value: unknown): string {
  const hash = createHash('sha256');
  const sink = { hash, pending: '' };
  feed(sink, value);
  if (sink.pending) hash.update(sink.pending);
  return hash.digest('hex');
}

interface Sink {
  hash: Hash;
  pending: string;
}

function write(sink: Sink, text: string): void {
  sink.pending += text;
  if (sink.pending.length >= PIECE) {
    sink.hash.update(sink.pending);
    sink.pending = '';
  }
}

function feed(sink: Sink, value: unknown): void {
  if (Array.isArray(value)) {
    write(sink, '[');
    value.forEach((item, i) => {
      if (i > 0) write(sink, ',');
      feed(sink, item);
    });
    write(sink, ']');
  } else if (value && typeof value === 'object') {
    write(sink, '{');
    Object.keys(value)
      .sort()
      .forEach((key, i) => {
        write(sink, `${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
        feed(sink, (value as Record<string, unknown>)[key]);
      });
    write(sink, '}');
  } else if (typeof value === 'string' && value.length > PIECE) {
    feedLongString(sink, value);
  } else {
    write(sink, JSON.stringify(value) ?? 'null');
  }
}

/** JSON.stringify(text), hashed in pieces that never split a surrogate pair (escaping is per pair). */
function feedLongString(sink: Sink, text: string): void {
  write(sink, '"');
  sink.hash.update(sink.pending);
  sink.pending = '';
  for (let start = 0; start < text.length; ) {
    let end = Math.min(start + PIECE, text.length);
    const last = text.charCodeAt(end - 1);
    const next = end < text.length ? text.charCodeAt(end) : 0;
    if (last >= 0xd800 && last <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) end += 1; // keep a pair whole
    const escaped = JSON.stringify(text.slice(start, end));
    sink.hash.update(escaped.slice(1, -1));
    start = end;
  }
  write(sink, '"');
}
