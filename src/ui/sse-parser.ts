/** One server-sent event: its name (`message` when none was given), data lines joined by `\n`, id. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental parser of a `text/event-stream` body (the WHATWG rules this console needs: LF,
 * CRLF or CR line ends, `:` comments, `event`, `data`, `id` fields, an event per blank line, an
 * unfinished event at the end dropped).
 * Feed it decoded text as it arrives; it calls `onEvent` once per complete event.
 * @example const parser = createSseParser((e) => console.log(e.event, e.data)); parser.push('event: token\ndata: {"text":"Hi"}\n\n');
 */
export function createSseParser(onEvent: (event: SseEvent) => void): { push(text: string): void; end(): void } {
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  let sawField = false;

  const dispatch = () => {
    if (sawField && data.length > 0) onEvent({ event: event || 'message', data: data.join('\n'), ...(id !== undefined ? { id } : {}) });
    event = '';
    data = [];
    sawField = false;
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    sawField = true;
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  };

  return {
    push(text) {
      buffer += text;
      for (;;) {
        const match = /\r\n|\r|\n/.exec(buffer);
        if (!match) return;
        // A lone CR at the very end may be the first half of a CRLF still in flight.
        if (match[0] === '\r' && match.index === buffer.length - 1) return;
        line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    },
    /** The body ended: an event without its closing blank line is dropped, as the standard says. */
    end() {
      buffer = '';
      event = '';
      data = [];
      sawField = false;
    },
  };
}
