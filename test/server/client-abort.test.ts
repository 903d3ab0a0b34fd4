import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Groundwork } from '../../src/groundwork.js';
import type { RequestLogLine } from '../../src/server/request-log.js';
import { startServer, type RunningServer } from '../../src/server/start-server.js';
import { corpusGroundwork } from './server-fixtures.js';

let gw: Groundwork;
let server: RunningServer;
const lines: RequestLogLine[] = [];
const internal: unknown[] = [];
beforeAll(async () => {
  gw = await corpusGroundwork();
  server = await startServer({ groundwork: gw, port: 0, host: '127.0.0.1', server: { auth: false }, log: (line) => lines.push(line), onInternalError: (error) => internal.push(error) });
});
afterAll(() => server.close());
beforeEach(() => {
  lines.length = 0;
  internal.length = 0;
});

/** Sends headers promising 100000 bytes, then part of the body, then hangs up. */
async function hangUpMidBody(head: string, partialBody: string): Promise<void> {
  const socket = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`${head}\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n${partialBody}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
  socket.destroy();
  for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('a client that disconnects while sending its body', () => {
  it('is logged and metered as the client closing the request (499), not as our error', async () => {
    await hangUpMidBody('POST /v1/ask HTTP/1.1\r\nContent-Type: application/json', '{"question": "how long is the');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: '/v1/ask', status: 499, level: 'warn', errorCode: 'CLIENT_CLOSED' });
    expect(internal).toEqual([]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/groundwork_http_requests_total\{method="POST",route="\/v1\/ask",status="499"\} 1/);
  });

  it('the same for a multipart upload cut short', async () => {
    const boundary = 'gwboundary';
    await hangUpMidBody(
      `POST /v1/documents HTTP/1.1\r\nContent-Type: multipart/form-data; boundary=${boundary}`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.md"\r\nContent-Type: text/markdown\r\n\r\n# Half a file`,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ route: '/v1/documents', status: 499, errorCode: 'CLIENT_CLOSED' });
    expect(internal).toEqual([]);
  });
});
