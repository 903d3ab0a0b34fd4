import { GroundworkError, type ErrorCode } from '../errors.js';
import type { ApiKeyInfo, CreatedApiKey } from '../server/api-keys.js';

/** Environment variables that point `groundwork keys` at a running server. */
export const SERVER_URL_ENV = 'GROUNDWORK_SERVER_URL';
export const ADMIN_KEY_ENV = 'GROUNDWORK_ADMIN_KEY';
/** A key call is one small query; 30 s only bounds a server that hangs. */
const KEY_CALL_TIMEOUT_MS = 30_000;

/** The key routes of a running server (`/v1/keys`), called with an admin key. */
export interface ServerKeysClient {
  readonly url: string;
  create(tenant: string, options: { name?: string; admin?: boolean }): Promise<CreatedApiKey>;
  list(options: { tenant?: string }): Promise<ApiKeyInfo[]>;
  revoke(id: number): Promise<ApiKeyInfo>;
}

type KeyJson = { id: number; tenant: string; prefix: string; name: string; admin: boolean; createdAt: string; revokedAt: string | null };
const fromJson = (key: KeyJson): ApiKeyInfo => ({
  id: key.id,
  tenant: key.tenant,
  prefix: key.prefix,
  name: key.name,
  admin: key.admin,
  createdAt: new Date(key.createdAt),
  revokedAt: key.revokedAt ? new Date(key.revokedAt) : null,
});

/**
 * A client for the key routes of the server at `url` (e.g. `http://127.0.0.1:8787`). Errors name
 * the operation and the server, and keep the server's error code (403 FORBIDDEN for a key that is
 * not an admin key).
 * @example await createServerKeysClient('http://127.0.0.1:8787', process.env.GROUNDWORK_ADMIN_KEY!).list({});
 */
export function createServerKeysClient(url: string, adminKey: string): ServerKeysClient {
  const base = url.replace(/\/+$/, '');
  const call = async <T>(operation: string, method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(KEY_CALL_TIMEOUT_MS),
      });
    } catch (error) {
      throw new GroundworkError('UNAVAILABLE', `keys ${operation} via ${base}: cannot reach the server (${(error as Error).message})`, { cause: error, details: { url: base } });
    }
    const payload = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
    if (!response.ok) {
      const code = (payload?.error?.code ?? (response.status >= 500 ? 'UNAVAILABLE' : 'INPUT')) as ErrorCode;
      const message = payload?.error?.message ?? `HTTP ${response.status}`;
      throw new GroundworkError(code, `keys ${operation} via ${base}: ${response.status} ${message}`, { details: { url: base, status: response.status } });
    }
    return payload as T;
  };
  return {
    url: base,
    async create(tenant, options) {
      const created = await call<KeyJson & { key: string }>('create', 'POST', '/v1/keys', { tenant, ...options });
      return { ...fromJson(created), secret: created.key };
    },
    async list(options) {
      const query = options.tenant ? `?tenant=${encodeURIComponent(options.tenant)}` : '';
      return (await call<{ keys: KeyJson[] }>('list', 'GET', `/v1/keys${query}`)).keys.map(fromJson);
    },
    async revoke(id) {
      return fromJson(await call<KeyJson>('revoke', 'DELETE', `/v1/keys/${id}`));
    },
  };
}
