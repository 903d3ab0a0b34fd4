/**
 * A JSON array rendered to UTF-8 bytes a few rows at a time. A batch's chunk rows hold all its text
 * (~1 MB): as one string it would go straight to V8's old space, and such strings set how far the
 * heap grows between full collections during ingest; these pieces die young, and the bytes live
 * outside the heap. Sent as bytea and read with convert_from(…, 'UTF8')::jsonb.
 */
export function jsonArrayWriter(): { readonly rows: number; readonly bytes: number; add(row: unknown): void; finish(): Buffer } {
  const parts: Buffer[] = [];
  let piece = '[';
  let rows = 0;
  let bytes = 0;
  return {
    get rows() {
      return rows;
    },
    /** Bytes so far (the last piece counted in characters). */
    get bytes() {
      return bytes + piece.length;
    },
    add(row) {
      piece += (rows > 0 ? ',' : '') + (JSON.stringify(row) ?? 'null');
      rows += 1;
      if (piece.length >= 16_384) {
        const part = Buffer.from(piece, 'utf8');
        parts.push(part);
        bytes += part.length;
        piece = '';
      }
    },
    finish() {
      parts.push(Buffer.from(`${piece}]`, 'utf8'));
      return Buffer.concat(parts);
    },
  };
}

/** JSON.stringify(rows) as UTF-8 bytes, rendered a few rows at a time (see jsonArrayWriter). */
export function jsonArrayBuffer(rows: unknown[]): Buffer {
  const writer = jsonArrayWriter();
  for (const row of rows) writer.add(row);
  return writer.finish();
}

/** Decimal digits of a non-negative safe integer (powers of ten are exact doubles up to 1e22). */
function digitCount(v: number): number {
  let digits = 1;
  for (let power = 10; v >= power; power *= 10) digits += 1;
  return digits;
}

/** Non-negative integers as comma-separated ASCII digits, written straight into a buffer. */
export function digitList(values: ArrayLike<number>): Buffer {
  let size = Math.max(0, values.length - 1);
  for (let i = 0; i < values.length; i += 1) {
    const v = values[i];
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`digitList: ${v} is not a non-negative integer`);
    size += digitCount(v);
  }
  const out = Buffer.allocUnsafe(size);
  let end = 0;
  for (let i = 0; i < values.length; i += 1) {
    if (i > 0) out[end++] = 44; // ','
    let v = values[i];
    const digits = digitCount(v);
    for (let d = end + digits - 1; d >= end; d -= 1) {
      out[d] = 48 + (v % 10);
      v = Math.floor(v / 10);
    }
    end += digits;
  }
  return out;
}
