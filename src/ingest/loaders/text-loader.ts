import type { Loader } from '../types.js';
import { baseTitle, decodeText, requireContent } from './decode-text.js';

/** Plain text files: the whole file is one document titled by its file name. */
export function createTextLoader(): Loader {
  return {
    name: 'text',
    extensions: ['.txt', '.text'],
    async load({ path, relativePath, bytes, mtime }) {
      const text = decodeText(bytes, path);
      requireContent(text, path);
      return [{ externalId: relativePath, source: path, title: baseTitle(relativePath), text, format: 'text', metadata: { modifiedAt: mtime.toISOString() } }];
    },
  };
}
