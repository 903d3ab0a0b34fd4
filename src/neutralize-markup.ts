/**
 * Documents are data: text taken from them (titles, quotes, answers) must never carry live HTML,
 * whoever renders it. One rule, applied by the loaders and again where text leaves groundwork:
 * the angle brackets of anything a browser would parse as markup (a tag, a closing tag, a comment,
 * a doctype or processing instruction) become the single guillemets ‹ and ›. The text stays
 * readable (`‹script›` still says what the document said), survives JSON, Markdown and HTML alike
 * without double escaping, and the rule is idempotent. A `<` that starts no tag (`a < b`, `<3`) and
 * web or mail autolinks (`<https://example.com>`) are left alone.
 */

/** What replaces `<` and `>` around markup: U+2039 and U+203A, single angle quotation marks. */
export const NEUTRAL_OPEN = '\u2039';
export const NEUTRAL_CLOSE = '\u203a';

/** `<` followed by a letter, `/`, `!` or `?` opens markup for an HTML parser; up to the next `<` or `>`. */
const MARKUP = /<(?=[A-Za-z/!?])([^<>]*)(>?)/g;
/** CommonMark autolinks that are not markup: web and mail addresses. */
const AUTOLINK = /^(?:(?:https?|mailto):[^\s<>]*|[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$/i;

/**
 * The text with markup made inert: `<script>` becomes `‹script›`, `<img src=x onerror=…>` becomes
 * `‹img src=x onerror=…›`.
 * @example neutralizeMarkup('see <b>this</b> & a < b') // 'see ‹b›this‹/b› & a < b'
 */
export function neutralizeMarkup(text: string): string {
  if (!text.includes('<')) return text;
  return text.replace(MARKUP, (match, inner: string, close: string) => {
    if (close && AUTOLINK.test(inner)) return match;
    return `${NEUTRAL_OPEN}${inner}${close ? NEUTRAL_CLOSE : ''}`;
  });
}

/** True when the text holds markup an HTML parser would act on (what neutralizeMarkup removes). */
export function hasLiveMarkup(text: string): boolean {
  return neutralizeMarkup(text) !== text;
}
