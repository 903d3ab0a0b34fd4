/** `(url "title")` after a link or image; one level of parentheses inside the URL. */
const DESTINATION = String.raw`\((?:[^()\s]|\([^()]*\))*(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?\s*\)`;
const IMAGE = new RegExp(String.raw`!\[(?:\\.|[^\]\\])*\](?:${DESTINATION}|\[[^\]]*\])`, 'g');
const LINK = new RegExp(String.raw`\[((?:\\.|[^\]\\])*)\](?:${DESTINATION}|\[[^\]]*\])`, 'g');

/**
 * Markdown inline text as a reader sees it: images (badges among them) dropped, links reduced to
 * their text, nested ones too (`[![CI](badge.svg)](https://ci.example)` is nothing). Ingest reads
 * titles with it, the answerer counts a sentence's words with it.
 * @example withoutLinkMarkup('See the [docs](https://x.example) ![logo](l.svg)') // 'See the docs '
 */
export function withoutLinkMarkup(text: string): string {
  let previous: string;
  do {
    previous = text;
    text = text.replace(IMAGE, '').replace(LINK, '$1');
  } while (text !== previous);
  return text;
}
