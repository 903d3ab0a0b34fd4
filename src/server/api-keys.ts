import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/types.js';
import { GroundworkError, InputError } from '../errors.js';

/** Secrets start with this, so they are easy to spot in logs and secret scanners. */
export const API_KEY_SECRET_PREFIX = 'gwk_';
/** 32 random bytes: 256 bits, beyond guessing; base64url keeps the secret header-safe. */
const SECRET_RANDOM_BYTES = 32;
/** Characters of the secret kept for display (`gwk_` + 8): enough to tell keys apart, useless to an attacker. */
const DISPLAY_PREFIX_CHARS = API_KEY_SECRET_PREFIX.length + 8;
/** Same rule as the config's tenant names. */
export const TENANT_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** An API key as listed: never the secret, never its hash. */
export interface ApiKeyInfo {
  id: number;
  tenant: string;
  prefix: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** A new key: the only time its secret is available. */
export interface CreatedApiKey extends ApiKeyInfo {
  secret: string;
}

/** sha256 hex of a secret: what the api_keys table stores. */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

type KeyRow = { id: number; tenant: string; prefix: string; name: string; created_at: Date; revoked_at: Date | null };
const toInfo = (row: KeyRow): ApiKeyInfo => ({ id: Number(row.id), tenant: row.tenant, prefix: row.prefix, name: row.name, createdAt: row.created_at, revokedAt: row.revoked_at });

/**
 * Creates an API key for a tenant. The secret is returned here and never again: only its sha256
 * is stored.
 * @example const { secret } = await createApiKey(db, 'acme'); // Authorization: Bearer <secret>
 */
export async function createApiKey(db: Queryable, tenant: string, options: { name?: string } = {}): Promise<CreatedApiKey> {
  if (!TENANT_PATTERN.test(tenant)) throw new InputError('tenant', `must match ${TENANT_PATTERN.source}, got ${JSON.stringify(tenant)}`);
  const secret = API_KEY_SECRET_PREFIX + randomBytes(SECRET_RANDOM_BYTES).toString('base64url');
  const { rows } = await db.query<KeyRow>(
    `INSERT INTO api_keys (tenant, secret_sha256, prefix, name) VALUES ($1, $2, $3, $4)
     RETURNING id::int AS id, tenant, prefix, name, created_at, revoked_at`,
    [tenant, hashApiKeySecret(secret), secret.slice(0, DISPLAY_PREFIX_CHARS), options.name ?? ''],
  );
  return { ...toInfo(rows[0]), secret };
}

/** Lists keys (all tenants, or one), newest first, revoked ones included. */
export async function listApiKeys(db: Queryable, options: { tenant?: string } = {}): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<KeyRow>(
    `SELECT id::int AS id, tenant, prefix, name, created_at, revoked_at FROM api_keys
      WHERE ($1::text IS NULL OR tenant = $1) ORDER BY id DESC`,
    [options.tenant ?? null],
  );
  return rows.map(toInfo);
}

/** Revokes a key; it stops working on the next request. Throws NOT_FOUND for an unknown id. */
export async function revokeApiKey(db: Queryable, id: number): Promise<ApiKeyInfo> {
  if (!Number.isSafeInteger(id) || id <= 0) throw new InputError('id', `must be a positive integer, got ${JSON.stringify(id)}`);
  const { rows } = await db.query<KeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
     RETURNING id::int AS id, tenant, prefix, name, created_at, revoked_at`,
    [id],
  );
  if (rows.length === 0) throw new GroundworkError('NOT_FOUND', `API key ${id} does not exist`, { details: { id } });
  return toInfo(rows[0]);
}

/** The active key with this secret, or undefined (unknown or revoked). */
export async function findApiKey(db: Queryable, secret: string): Promise<ApiKeyInfo | undefined> {
  const { rows } = await db.query<KeyRow>(
    `SELECT id::int AS id, tenant, prefix, name, created_at, revoked_at FROM api_keys
      WHERE secret_sha256 = $1 AND revoked_at IS NULL`,
    [hashApiKeySecret(secret)],
    { name: 'gw_find_api_key' },
  );
  return rows[0] ? toInfo(rows[0]) : undefined;
}
