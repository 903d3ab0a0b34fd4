import type { AlertWebhookMessage } from './types.js';

/** Delivery attempts per message and the first backoff (doubling: 0.5 s, 1 s, 2 s). */
export const WEBHOOK_ATTEMPTS = 4;
export const WEBHOOK_BACKOFF_MS = 500;
/** One attempt's time limit. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

export interface WebhookOptions {
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Retry on network errors, timeouts, 408, 429 and 5xx (as providers' clients do). */
function retryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * POSTs one alert message as JSON, retrying with exponential backoff. Resolves true when the
 * receiver answered 2xx, false when every attempt failed (the error of the last one in `error`).
 */
export async function postAlertWebhook(url: string, message: AlertWebhookMessage, options: WebhookOptions = {}): Promise<{ ok: boolean; attempts: number; error?: string }> {
  const attempts = options.attempts ?? WEBHOOK_ATTEMPTS;
  const backoff = options.backoffMs ?? WEBHOOK_BACKOFF_MS;
  const send = options.fetch ?? fetch;
  let error = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'groundwork-monitor' },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { ok: true, attempts: attempt };
      error = `webhook ${url} answered ${response.status}`;
      if (!retryable(response.status)) return { ok: false, attempts: attempt, error };
    } catch (cause) {
      error = `webhook ${url} failed: ${(cause as Error)?.message ?? String(cause)}`;
    }
    if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, backoff * 2 ** (attempt - 1)));
  }
  return { ok: false, attempts, error };
}
