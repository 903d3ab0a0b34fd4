/**
 * Filesystem paths in free text: POSIX (`/home/ann/.groundwork/models`), Windows (`C:\data`,
 * `\\server\share`), home-relative (`~/models`) and explicitly relative (`./data`). A path ends
 * at whitespace, a quote, a comma or a closing bracket. URL paths (`http://host/v1/ask`) are not
 * matched: their slash follows a host name, not a space or the start of the text.
 */
const FILESYSTEM_PATH = /(^|[\s"'`(=,[])(?:~|[A-Za-z]:|\.{1,2})?[\\/](?![\\/]?[\s"'`)\],]|$)[^\s"'`)\],]*/g;
/** Sentence punctuation right after a path (`... in /srv/models: lexical-only`) stays in the text. */
const TRAILING_PUNCTUATION = /[.:;!?]+$/;

/** What stands in for a path that was removed. */
export const REDACTED_PATH = '<path>';

/**
 * Removes filesystem paths from text shown to callers who are not authenticated (/ready), so the
 * server's directory layout (home directory, user name, data dir) does not leak.
 * @example redactPaths('no embedding model installed in /srv/gw/models') // 'no embedding model installed in <path>'
 */
export function redactPaths(text: string): string {
  return text.replace(FILESYSTEM_PATH, (match: string, before: string) => `${before}${REDACTED_PATH}${TRAILING_PUNCTUATION.exec(match)?.[0] ?? ''}`);
}

/** redactPaths over every string in a JSON-like value (arrays and plain objects, recursively). */
export function redactPathsDeep<T>(value: T): T {
  if (typeof value === 'string') return redactPaths(value) as T;
  if (Array.isArray(value)) return value.map((item) => redactPathsDeep(item)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactPathsDeep(item)])) as T;
  }
  return value;
}
