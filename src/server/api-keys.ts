import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/types.js';
import { assertTenantName } from '../config/tenant-name.js';
import { GroundworkError, InputError } from '../errors.js';

/** Secrets start with this, so they are easy to spot in logs and secret scanners. */
export const API_KEY_SECRET_PREFIX = 'gwk_';
/** 32 random bytes: 256 bits, beyond guessing; base64url keeps the secret header-safe. */
const SECRET_RANDOM_BYTES = 32;
/** Characters of the secret kept for display (`gwk_` + 8): enough to tell keys apart, useless to an attacker. */
const DISPLAY_PREFIX_CHARS = API_KEY_SECRET_PREFIX.length + 8;

/** An API key as listed: never the secret, never its hash. */
export interface ApiKeyInfo {
  id: number;
  tenant: string;
  prefix: string;
  name: string;
  /** May manage keys (POST/GET/DELETE /v1/keys) for every tenant. */
  admin: boolean;
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

type KeyRow = { id: number; tenant: string; prefix: string; name: string; admin: boolean; created_at: Date; revoked_at: Date | null };
const toInfo = (row: KeyRow): ApiKeyInfo => ({
  id: Number(row.id),
  tenant: row.tenant,
  prefix: row.prefix,
  name: row.name,
  admin: row.admin,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});
/** The columns of an ApiKeyInfo (never the hash). */
const KEY_COLUMNS = 'id::int AS id, tenant, prefix, name, admin, created_at, revoked_at';
/** Name of the key `serve` creates on its first start. */
export const BOOTSTRAP_KEY_NAME = 'bootstrap admin';

/** A fresh secret, its hash and its display prefix. */
function newSecret(): { secret: string; hash: string; prefix: string } {
  const secret = API_KEY_SECRET_PREFIX + randomBytes(SECRET_RANDOM_BYTES).toString('base64url');
  return { secret, hash: hashApiKeySecret(secret), prefix: secret.slice(0, DISPLAY_PREFIX_CHARS) };
}

/**
 * Creates an API key for a tenant. The secret is returned here and never again: only its sha256
 * is stored.
 * @example const { secret } = await createApiKey(db, 'acme'); // Authorization: Bearer <secret>
 */
export async function createApiKey(db: Queryable, tenant: string, options: { name?: string; admin?: boolean } = {}): Promise<CreatedApiKey> {
  assertTenantName(tenant);
  const { secret, hash, prefix } = newSecret();
  const { rows } = await db.query<KeyRow>(
    `INSERT INTO api_keys (tenant, secret_sha256, prefix, name, admin) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${KEY_COLUMNS}`,
    [tenant, hash, prefix, options.name ?? '', options.admin ?? false],
  );
  return { ...toInfo(rows[0]), secret };
}

/**
 * The first-run key: an admin key for `tenant`, created only when the store has no active key
 * and never had a bootstrap key before (so at most once per store, even with several servers
 * starting at once on one PostgreSQL). Undefined when there was nothing to do.
 */
export async function bootstrapAdminKey(db: Queryable, tenant: string): Promise<CreatedApiKey | undefined> {
  assertTenantName(tenant);
  const { secret, hash, prefix } = newSecret();
  const { rows } = await db.query<KeyRow>(
    `INSERT INTO api_keys (tenant, secret_sha256, prefix, name, admin, bootstrap)
     SELECT $1, $2, $3, $4, true, true
      WHERE NOT EXISTS (SELECT 1 FROM api_keys WHERE revoked_at IS NULL)
     ON CONFLICT (bootstrap) WHERE bootstrap DO NOTHING
     RETURNING ${KEY_COLUMNS}`,
    [tenant, hash, prefix, BOOTSTRAP_KEY_NAME],
  );
  return rows[0] ? { ...toInfo(rows[0]), secret } : undefined;
}

/** Lists keys (all tenants, or one), newest first, revoked ones included. */
export async function listApiKeys(db: Queryable, options: { tenant?: string } = {}): Promise<ApiKeyInfo[]> {
  const { rows } = await db.query<KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE ($1::text IS NULL OR tenant = $1) ORDER BY id DESC`,
    [options.tenant ?? null],
  );
  return rows.map(toInfo);
}

/** Revokes a key; it stops working on the next request. Throws NOT_FOUND for an unknown id. */
export async function revokeApiKey(db: Queryable, id: number): Promise<ApiKeyInfo> {
  if (!Number.isSafeInteger(id) || id <= 0) throw new InputError('id', `must be a positive integer, got ${JSON.stringify(id)}`);
  const { rows } = await db.query<KeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${KEY_COLUMNS}`,
    [id],
  );
  if (rows.length === 0) throw new GroundworkError('NOT_FOUND', `API key ${id} does not exist`, { details: { id } });
  return toInfo(rows[0]);
}

/** The active key with this secret, or undefined (unknown or revoked). */
export async function findApiKey(db: Queryable, secret: string): Promise<ApiKeyInfo | undefined> {
  const { rows } = await db.query<KeyRow>(
    `SELECT ${KEY_COLUMNS} FROM api_keys WHERE secret_sha256 = $1 AND revoked_at IS NULL`,
    [hashApiKeySecret(secret)],
    { name: 'gw_find_api_key' },
  );
  return rows[0] ? toInfo(rows[0]) : undefined;
}

/** The JSON form of an API key. */
export interface ApiKeyJson {
  id: number;
  tenant: string;
  prefix: string;
  name: string;
  admin: boolean;
  createdAt: string;
  revokedAt: string | null;
}

/** An API key as the HTTP API and the CLI show it: never the secret (but once, at creation), never its hash. */
export function apiKeyJson(key: ApiKeyInfo): ApiKeyJson {
  return {
    id: key.id,
    tenant: key.tenant,
    prefix: key.prefix,
    name: key.name,
    admin: key.admin,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}
