import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './format.js';
import type { Session } from './session.js';
import type { DocumentChunk, DocumentRead } from './wire-types.js';

/** A passage to show: a cited chunk of a document, and the quote to mark in it. */
export interface PassageTarget {
  documentId: number;
  chunkId?: number;
  quote?: string;
  title: string;
}

/** Chunks fetched around the cited one (the panel pages by this many). */
const WINDOW = 21;

/**
 * Where the quote sits in a chunk's text: the quote itself, or (an extractive quote shortened with
 * an ellipsis, or completed across a chunk boundary) its longest part that the text contains.
 */
export function locateQuote(text: string, quote: string | undefined): { start: number; end: number } | null {
  if (!quote) return null;
  const parts = [quote, ...quote.split(/\s*(?:…|\.\.\.)\s*/)].map((p) => p.trim()).filter((p) => p.length >= 8);
  parts.sort((a, b) => b.length - a.length);
  for (const part of parts) {
    const at = text.indexOf(part);
    if (at >= 0) return { start: at, end: at + part.length };
  }
  return null;
}

/** A document's text around a cited chunk, with the quoted passage marked. Text is only ever rendered as text. */
export function DocumentPanel({ session, target, onClose }: { session: Session; target: PassageTarget; onClose: () => void }) {
  const [read, setRead] = useState<DocumentRead | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cited = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    const query = from === null && target.chunkId !== undefined ? `chunk=${target.chunkId}` : `from=${from ?? 0}`;
    session.api
      .get<DocumentRead>(`/v1/documents/${target.documentId}?${query}&limit=${WINDOW}`, controller.signal)
      .then(({ data }) => setRead(data))
      .catch((failure) => {
        if ((failure as Error).name !== 'AbortError') setError(errorText(failure));
      });
    return () => controller.abort();
  }, [target.documentId, target.chunkId, from]);

  useEffect(() => {
    cited.current?.scrollIntoView({ block: 'center' });
  }, [read]);

  const first = read?.chunks[0]?.ordinal ?? 0;
  const last = read?.chunks[read.chunks.length - 1]?.ordinal ?? 0;
  return (
    <div class="panel" data-testid="document-panel" role="dialog" aria-label={`Document ${target.title}`}>
      <header>
        <h2>{read?.document.title || target.title}</h2>
        <button class="link" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!read && !error && <p class="muted">Loading…</p>}
      {read && (
        <>
          <p class="muted">
            <code>{read.document.externalId}</code> · chunks {first + 1}–{last + 1} of {read.document.chunkCount}
          </p>
          {first > 0 && (
            <button class="link" onClick={() => setFrom(Math.max(0, first - WINDOW))}>
              ↑ earlier text
            </button>
          )}
          <div class="document-text">
            {read.chunks.map((chunk) => (
              <ChunkText key={chunk.id} chunk={chunk} target={target} refFor={chunk.id === target.chunkId ? cited : undefined} />
            ))}
          </div>
          {last + 1 < read.document.chunkCount && (
            <button class="link" onClick={() => setFrom(last + 1)}>
              ↓ later text
            </button>
          )}
        </>
      )}
    </div>
  );
}

function ChunkText({ chunk, target, refFor }: { chunk: DocumentChunk; target: PassageTarget; refFor?: { current: HTMLElement | null } }) {
  const isCited = chunk.id === target.chunkId;
  const at = isCited ? locateQuote(chunk.text, target.quote) : null;
  return (
    <section class={`chunk ${isCited ? 'cited' : ''}`} data-chunk-id={chunk.id} ref={refFor}>
      {chunk.headingPath.length > 0 && <p class="heading muted">{chunk.headingPath.join(' › ')}</p>}
      {at ? (
        <p class="text">
          {chunk.text.slice(0, at.start)}
          <mark data-testid="quote">{chunk.text.slice(at.start, at.end)}</mark>
          {chunk.text.slice(at.end)}
        </p>
      ) : (
        <p class="text">{chunk.text}</p>
      )}
      {isCited && !at && target.quote && (
        <blockquote data-testid="quote" class="quote">
          {target.quote}
        </blockquote>
      )}
    </section>
  );
}
