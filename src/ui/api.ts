import { createSseParser, type SseEvent } from './sse-parser.js';

/** An error answer of the API (`{error: {code, message}}`), or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId?: string;
  constructor(status: number, code: string, message: string, requestId?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

/** A JSON answer with the request id the server gave it (`x-request-id`). */
export interface ApiResponse<T> {
  status: number;
  data: T;
  requestId?: string;
}

/** Where an upload stands: bytes sent of the total. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Calls into the groundwork API, sending `Authorization: Bearer <key>` with each. */
export interface Api {
  get<T>(path: string, signal?: AbortSignal): Promise<ApiResponse<T>>;
  post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<ApiResponse<T>>;
  delete<T>(path: string): Promise<ApiResponse<T>>;
  /** A text body (the HTML experiment report). */
  text(path: string, signal?: AbortSignal): Promise<string>;
  /** POSTs and reads a server-sent event stream, calling onEvent per event; resolves with the request id when it ends. */
  stream(path: string, body: unknown, onEvent: (event: SseEvent) => void, signal?: AbortSignal): Promise<{ requestId?: string }>;
  /** Multipart upload with progress (XHR: fetch has no upload progress). */
  upload<T>(path: string, files: readonly File[], onProgress: (progress: UploadProgress) => void): Promise<ApiResponse<T>>;
}

async function errorOf(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return new ApiError(response.status, body.error.code ?? 'ERROR', body.error.message, requestId);
  } catch {
    // not JSON: the text (or the status) says what went wrong
  }
  return new ApiError(response.status, 'HTTP', text.trim() || `HTTP ${response.status} ${response.statusText}`, requestId);
}

/** An API client for one key. */
export function createApi(key: string): Api {
  const authorization = `Bearer ${key}`;

  async function send(method: string, path: string, body?: unknown, signal?: AbortSignal, accept = 'application/json'): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: { authorization, accept, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal,
        credentials: 'omit',
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'NETWORK', `could not reach the server: ${(error as Error).message}`);
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }

  const json = async <T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<ApiResponse<T>> => {
    const response = await send(method, path, body, signal);
    return { status: response.status, data: (await response.json()) as T, requestId: response.headers.get('x-request-id') ?? undefined };
  };

  return {
    get: (path, signal) => json('GET', path, undefined, signal),
    post: (path, body, signal) => json('POST', path, body, signal),
    delete: (path) => json('DELETE', path),
    async text(path, signal) {
      return (await send('GET', path, undefined, signal, 'text/html')).text();
    },
    async stream(path, body, onEvent, signal) {
      const response = await send('POST', path, body, signal, 'text/event-stream');
      const requestId = response.headers.get('x-request-id') ?? undefined;
      if (!response.body) throw new ApiError(response.status, 'HTTP', 'the answer stream has no body');
      const parser = createSseParser(onEvent);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.push(value);
      }
      parser.end();
      return { requestId };
    },
    upload(path, files, onProgress) {
      return new Promise((resolve, reject) => {
        const form = new FormData();
        for (const file of files) form.append('file', file, file.name);
        const xhr = new XMLHttpRequest();
        xhr.open('POST', path);
        xhr.setRequestHeader('authorization', authorization);
        xhr.setRequestHeader('accept', 'application/json');
        xhr.upload.onprogress = (event) => onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : files.reduce((sum, f) => sum + f.size, 0) });
        xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'the upload did not reach the server'));
        xhr.onload = () => {
          const requestId = xhr.getResponseHeader('x-request-id') ?? undefined;
          let body: unknown;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            body = undefined;
          }
          if (xhr.status >= 200 && xhr.status < 300 && body !== undefined) return resolve({ status: xhr.status, data: body as never, requestId });
          const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
          reject(new ApiError(xhr.status, error?.code ?? 'HTTP', error?.message ?? (xhr.responseText.trim() || `HTTP ${xhr.status}`), requestId));
        };
        xhr.send(form);
      });
    },
  };
}
