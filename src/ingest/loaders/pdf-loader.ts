import type { DocumentSection, Loader } from '../types.js';
import { baseTitle, plainTitle } from './decode-text.js';
import { SkipError } from './load-skip.js';

/** Readers accept %%EOF within the last 1024 bytes (Adobe's tolerance); missing means truncated. */
const EOF_WINDOW_BYTES = 1024;

/**
 * PDF files through pdf.js: one section per page carrying its page number, pages joined by blank
 * lines. Encrypted files, truncated files (no %%EOF) and files pdf.js cannot parse are skipped.
 */
export function createPdfLoader(): Loader {
  return {
    name: 'pdf',
    extensions: ['.pdf'],
    sniff: (head) => new TextDecoder('latin1').decode(head.subarray(0, 1024)).includes('%PDF-'),
    async load({ path, relativePath, bytes, mtime }) {
      const tail = new TextDecoder('latin1').decode(bytes.subarray(Math.max(0, bytes.length - EOF_WINDOW_BYTES)));
      if (!tail.includes('%%EOF')) throw new SkipError(path, 'corrupt', 'truncated PDF (no %%EOF marker)');
      const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
      let pdf;
      try {
        pdf = await getDocument({ data: bytes.slice(), verbosity: 0, isEvalSupported: false, disableFontFace: true, useSystemFonts: false }).promise;
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'PasswordException') throw new SkipError(path, 'encrypted', 'password-protected PDF', error);
        throw new SkipError(path, 'corrupt', `unreadable PDF: ${(error as Error).message}`, error);
      }
      try {
        const sections: DocumentSection[] = [];
        for (let page = 1; page <= pdf.numPages; page++) {
          const content = await (await pdf.getPage(page)).getTextContent();
          let text = '';
          for (const item of content.items) if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
          text = text.replace(/[ \t]+\n/g, '\n').trim();
          if (text) sections.push({ text, page });
        }
        if (sections.length === 0) throw new SkipError(path, 'empty', 'no extractable text (scanned images?)');
        const info = ((await pdf.getMetadata().catch(() => undefined))?.info ?? {}) as Record<string, unknown>;
        const title = typeof info.Title === 'string' && info.Title.trim() ? plainTitle(info.Title) : baseTitle(relativePath);
        return [{
          externalId: relativePath,
          source: path,
          title,
          text: sections.map((section) => section.text).join('\n\n'),
          format: 'text',
          sections,
          metadata: { modifiedAt: mtime.toISOString(), pages: pdf.numPages, ...(typeof info.Author === 'string' && info.Author ? { author: info.Author } : {}) },
        }];
      } catch (error) {
        if (error instanceof SkipError) throw error;
        throw new SkipError(path, 'corrupt', `unreadable PDF page: ${(error as Error).message}`, error);
      } finally {
        await pdf.destroy();
      }
    },
  };
}
