import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from '../../src/ui/sse-parser.js';

const parse = (pieces: string[]): SseEvent[] => {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const piece of pieces) parser.push(piece);
  parser.end();
  return events;
};

describe('the console\'s server-sent event parser', () => {
  it('reads the answer stream the server writes (hono streamSSE: event, data, id)', () => {
    const body = 'event: sources\ndata: {"sources":[]}\nid: 0\n\nevent: token\ndata: {"text":"Two "}\nid: 1\n\nevent: done\ndata: {"refused":false}\nid: 2\n\n';
    expect(parse([body])).toEqual([
      { event: 'sources', data: '{"sources":[]}', id: '0' },
      { event: 'token', data: '{"text":"Two "}', id: '1' },
      { event: 'done', data: '{"refused":false}', id: '2' },
    ]);
  });

  it('gives the same events however the body is cut into chunks, CRLF split included', () => {
    const body = 'event: token\r\ndata: {"text":"a"}\r\n\r\n: a comment\r\nevent: token\r\ndata: line one\r\ndata: line two\r\n\r\n';
    const whole = parse([body]);
    expect(whole).toEqual([
      { event: 'token', data: '{"text":"a"}' },
      { event: 'token', data: 'line one\nline two' },
    ]);
    for (let size = 1; size <= 7; size++) {
      const pieces = body.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect(parse(pieces), `chunks of ${size}`).toEqual(whole);
    }
  });

  it('names unnamed events "message", keeps a value\'s own colons, drops an unfinished last event', () => {
    expect(parse(['data: {"a":"b: c"}\n\n', 'event: token\ndata: cut off'])).toEqual([{ event: 'message', data: '{"a":"b: c"}' }]);
  });
});
