import type { MiddlewareHandler } from 'hono';
import type { Db } from '../db/types.js';
import { GroundworkError } from '../errors.js';
import { findApiKey } from './api-keys.js';
import type { AppEnv, Principal } from './app-env.js';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Sets `principal`: with auth on, the tenant of the `Authorization: Bearer <key>` key (401 when
 * missing, malformed, unknown or revoked); with auth off, anonymous.
 */
export function authMiddleware(db: Db, authOn: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!authOn) {
      c.set('principal', { kind: 'anonymous' });
      return next();
    }
    const header = c.req.header('authorization');
    if (!header) throw unauthorized('missing Authorization header: send "Authorization: Bearer <API key>" (create one with `groundwork keys create --tenant T`)');
    const match = BEARER.exec(header);
    if (!match) throw unauthorized('Authorization header must be "Bearer <API key>"');
    const key = await findApiKey(db, match[1]);
    if (!key) throw unauthorized('unknown or revoked API key');
    c.set('principal', { kind: 'key', keyId: key.id, tenant: key.tenant, admin: key.admin });
    return next();
  };
}

function unauthorized(message: string): GroundworkError {
  return new GroundworkError('UNAUTHORIZED', message);
}

/**
 * 403 unless the caller holds an admin key. With auth off nobody is admin: keys made there would
 * outlive the open server and work once auth is on.
 */
export function requireAdmin(principal: Principal): void {
  if (principal.kind === 'key' && principal.admin) return;
  throw new GroundworkError(
    'FORBIDDEN',
    principal.kind === 'anonymous'
      ? 'managing API keys needs auth on and an admin key (this server runs with --no-auth)'
      : 'managing API keys needs an admin key; this key is not one (create one with `groundwork keys create --tenant T --admin`)',
  );
}
