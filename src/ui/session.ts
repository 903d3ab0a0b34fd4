import { createApi, type Api } from './api.js';
import type { DocumentList } from './wire-types.js';

/** Where the key is kept: this tab's session storage (gone when the tab closes; never a cookie, so no request carries it by itself). */
const STORAGE_KEY = 'groundwork.console.apiKey';

/** A signed-in console: the key's API client and the tenant the key acts for. */
export interface Session {
  api: Api;
  tenant: string;
}

/**
 * Checks a key against the server (the tenant's document list: every key may read it) and keeps
 * it for this tab. Throws the server's error (401 for an unknown or revoked key).
 */
export async function signIn(key: string): Promise<Session> {
  const trimmed = key.trim();
  if (trimmed === '') throw new Error('enter an API key (create one with `groundwork keys create --tenant T`)');
  const api = createApi(trimmed);
  const { data } = await api.get<DocumentList>('/v1/documents?limit=1');
  sessionStorage.setItem(STORAGE_KEY, trimmed);
  return { api, tenant: data.tenant };
}

/** The key kept for this tab, if any. */
export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
