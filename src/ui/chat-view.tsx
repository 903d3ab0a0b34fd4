import { useRef, useState } from 'preact/hooks';
import { DocumentPanel, type PassageTarget } from './document-panel.js';
import { errorText } from './format.js';
import type { Session } from './session.js';
import type { AnswerSource, Citation, FeedbackResult, Usage } from './wire-types.js';

/** One question and its streamed answer. */
interface Turn {
  question: string;
  /** The answer as its tokens arrived; replaced by the checked answer at `citations`/`done`. */
  answer: string;
  tokens: number;
  state: 'waiting' | 'streaming' | 'done' | 'error';
  sources: AnswerSource[];
  citations: Citation[];
  refused: boolean;
  refusalReason?: string;
  model?: string;
  usage?: Usage;
  requestId?: string;
  error?: string;
}

/** Chat: ask with a streamed answer, open cited passages, rate answers. */
export function ChatView({ session }: { session: Session }) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [question, setQuestion] = useState('');
  const [passage, setPassage] = useState<PassageTarget | null>(null);
  const busy = turns.some((t) => t.state === 'waiting' || t.state === 'streaming');
  const abort = useRef<AbortController | null>(null);

  const ask = async (text: string) => {
    const index = turns.length;
    const update = (change: Partial<Turn> | ((turn: Turn) => Partial<Turn>)) =>
      setTurns((all) => all.map((turn, i) => (i === index ? { ...turn, ...(typeof change === 'function' ? change(turn) : change) } : turn)));
    setTurns((all) => [...all, { question: text, answer: '', tokens: 0, state: 'waiting', sources: [], citations: [], refused: false }]);
    abort.current = new AbortController();
    try {
      const { requestId } = await session.api.stream(
        '/v1/ask',
        { question: text, stream: true },
        (event) => {
          const data = JSON.parse(event.data) as Record<string, unknown>;
          switch (event.event) {
            case 'sources':
              return update({ sources: data.sources as AnswerSource[], state: 'streaming' });
            case 'token':
              return update((turn) => ({ answer: turn.answer + String(data.text ?? ''), tokens: turn.tokens + 1, state: 'streaming' }));
            case 'citations':
              return update({ citations: data.citations as Citation[], answer: String(data.answer ?? '') });
            case 'usage':
              return update({ usage: data.usage as Usage });
            case 'done':
              return update((turn) => ({
                state: 'done',
                refused: Boolean(data.refused),
                refusalReason: data.refusalReason as string | undefined,
                model: data.model as string | undefined,
                answer: typeof data.answer === 'string' ? data.answer : turn.answer,
                requestId: turn.requestId ?? (data.requestId as string | undefined),
              }));
            case 'error': {
              const error = data.error as { code?: string; message?: string } | undefined;
              return update({ state: 'error', error: error?.message ?? 'the answer stream failed' });
            }
          }
        },
        abort.current.signal,
      );
      update((turn) => ({ requestId: requestId ?? turn.requestId, ...(turn.state === 'done' || turn.state === 'error' ? {} : { state: 'error', error: 'the answer stream ended before its done event' }) }));
    } catch (error) {
      update({ state: 'error', error: (error as Error).name === 'AbortError' ? 'stopped' : errorText(error) });
    }
  };

  return (
    <div class="chat">
      <div class="turns" data-testid="turns">
        {turns.length === 0 && <p class="muted">Ask a question about the documents of tenant {session.tenant}. Answers stream in and cite their passages.</p>}
        {turns.map((turn, i) => (
          <TurnView key={i} turn={turn} session={session} onOpen={setPassage} />
        ))}
      </div>
      <form
        class="ask"
        onSubmit={(event) => {
          event.preventDefault();
          const text = question.trim();
          if (!text || busy) return;
          setQuestion('');
          void ask(text);
        }}
      >
        <input name="question" value={question} onInput={(e) => setQuestion(e.currentTarget.value)} placeholder="Ask a question…" autocomplete="off" />
        {busy ? (
          <button type="button" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        ) : (
          <button type="submit">Ask</button>
        )}
      </form>
      {passage && <DocumentPanel session={session} target={passage} onClose={() => setPassage(null)} />}
    </div>
  );
}

function TurnView({ turn, session, onOpen }: { turn: Turn; session: Session; onOpen: (target: PassageTarget) => void }) {
  return (
    <article class={`turn ${turn.refused ? 'refused' : ''}`} data-testid="turn" data-state={turn.state}>
      <p class="question">{turn.question}</p>
      {turn.refused && (
        <p class="badge refusal" data-testid="refusal">
          Refused{turn.refusalReason ? `: ${turn.refusalReason}` : ''}
        </p>
      )}
      {/* Text children only: Preact writes them as text nodes, so nothing in an answer or a quote is ever parsed as HTML. */}
      <p class="answer" data-testid="answer" data-tokens={turn.tokens}>
        {turn.answer}
        {turn.state === 'waiting' && <span class="muted">retrieving…</span>}
        {turn.state === 'streaming' && <span class="cursor">▍</span>}
      </p>
      {turn.error && (
        <p class="error" role="alert">
          {turn.error}
        </p>
      )}
      {turn.citations.length > 0 && (
        <div class="chips" data-testid="citations">
          {turn.citations.map((citation, i) => (
            <button
              key={i}
              class="chip"
              data-testid="citation"
              title={citation.quote}
              onClick={() => onOpen({ documentId: citation.documentId, chunkId: citation.chunkId, quote: citation.quote, title: citation.title || citation.externalId })}
            >
              [{citation.contextIndex}] {citation.title || citation.externalId}
              {citation.page !== undefined && citation.page !== null ? `, p. ${citation.page}` : ''}
            </button>
          ))}
        </div>
      )}
      {turn.state === 'done' && (
        <p class="meta muted">
          {turn.model && <>model {turn.model} · </>}
          {turn.usage && <>{turn.usage.inputTokens} in / {turn.usage.outputTokens} out tokens · </>}
          {turn.sources.length} sources
          {turn.requestId && (
            <>
              {' '}
              · request <code data-testid="request-id">{turn.requestId}</code>
            </>
          )}
        </p>
      )}
      {turn.state === 'done' && turn.requestId && <Feedback session={session} requestId={turn.requestId} />}
    </article>
  );
}

/** Thumbs up/down for one answer, with an optional correct answer (a later rating replaces the earlier one). */
function Feedback({ session, requestId }: { session: Session; requestId: string }) {
  const [rating, setRating] = useState<'up' | 'down' | null>(null);
  const [saved, setSaved] = useState<FeedbackResult | null>(null);
  const [correction, setCorrection] = useState('');
  const [error, setError] = useState<string | null>(null);

  const send = async (value: 'up' | 'down', correctAnswer?: string) => {
    setError(null);
    setRating(value);
    try {
      const { data } = await session.api.post<FeedbackResult>('/v1/feedback', { requestId, rating: value, ...(correctAnswer ? { correctAnswer } : {}) });
      setSaved(data);
    } catch (failure) {
      setError(errorText(failure));
    }
  };

  return (
    <div class="feedback" data-testid="feedback">
      <button class={`thumb ${rating === 'up' ? 'on' : ''}`} aria-label="Good answer" aria-pressed={rating === 'up'} onClick={() => send('up', correction.trim() || undefined)}>
        ▲ Good
      </button>
      <button class={`thumb ${rating === 'down' ? 'on' : ''}`} aria-label="Bad answer" aria-pressed={rating === 'down'} onClick={() => send('down', correction.trim() || undefined)}>
        ▼ Bad
      </button>
      {saved && (
        <span class="muted" data-testid="feedback-saved">
          {saved.correctAnswer ? 'Rating and correct answer saved' : 'Rating saved'} (#{saved.id})
        </span>
      )}
      {rating && (
        <form
          class="correction"
          onSubmit={(event) => {
            event.preventDefault();
            if (correction.trim()) void send(rating, correction.trim());
          }}
        >
          <textarea name="correctAnswer" rows={2} placeholder="Correct answer (optional)" value={correction} onInput={(e) => setCorrection(e.currentTarget.value)} />
          <button type="submit" disabled={!correction.trim()}>
            Send correct answer
          </button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
