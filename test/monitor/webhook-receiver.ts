import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertWebhookMessage } from '../../src/monitor/types.js';

/** A local webhook receiver (node:http) that records every JSON body it gets; `failNext` answers 503 that many times. */
export async function startWebhookReceiver(): Promise<{ url: string; messages: AlertWebhookMessage[]; failNext: (count: number) => void; close: () => Promise<void> }> {
  const messages: AlertWebhookMessage[] = [];
  let failures = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        response.writeHead(503).end('try later');
        return;
      }
      messages.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as AlertWebhookMessage);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    messages,
    failNext: (count) => (failures = count),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
