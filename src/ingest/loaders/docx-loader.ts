import mammoth from 'mammoth';
import type { Loader } from '../types.js';
import { baseTitle, requireContent } from './decode-text.js';
import { htmlToMarkdown } from './html-to-markdown.js';
import { SkipError } from './load-skip.js';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** OLE compound file: what an encrypted .docx is (the OOXML package sits inside, encrypted). */
const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((byte, i) => bytes[i] === byte);

/** Word .docx files through mammoth: headings, lists and tables kept as markdown. */
export function createDocxLoader(): Loader {
  return {
    name: 'docx',
    extensions: ['.docx'],
    sniff: (head) => startsWith(head, ZIP_MAGIC) && new TextDecoder('latin1').decode(head.subarray(0, 2048)).includes('word/'),
    async load({ path, relativePath, bytes, mtime }) {
      if (startsWith(bytes, OLE_MAGIC)) throw new SkipError(path, 'encrypted', 'password-protected Office document');
      if (!startsWith(bytes, ZIP_MAGIC)) throw new SkipError(path, 'corrupt', 'not a .docx (zip) package');
      let html: string;
      try {
        html = (await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })).value;
      } catch (error) {
        throw new SkipError(path, 'corrupt', `unreadable .docx: ${(error as Error).message}`, error);
      }
      const { markdown, title } = htmlToMarkdown(`<body>${html}</body>`);
      requireContent(markdown, path);
      const firstHeading = /^# (.+)$/m.exec(markdown)?.[1];
      return [{ externalId: relativePath, source: path, title: firstHeading ?? title ?? baseTitle(relativePath), text: markdown, format: 'markdown', metadata: { modifiedAt: mtime.toISOString() } }];
    },
  };
}
