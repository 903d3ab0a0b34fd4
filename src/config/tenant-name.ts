import { z } from 'zod';
import { InputError } from '../errors.js';

/**
 * The one rule for tenant names, wherever one comes in (config, CLI `--tenant`, library calls,
 * HTTP requests, API keys): 1 to 64 letters, digits, `_`, `.` or `-`. Tenants appear in URLs,
 * file names of exports and log lines, so no spaces, slashes or punctuation that needs quoting.
 */
export const TENANT_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** The rule in words, for error messages. */
export const TENANT_NAME_RULE = '1 to 64 letters, digits, "_", "." or "-"';

/** The rule as a zod schema (the config's `tenant`, request bodies). */
export const tenantNameSchema = z.string().regex(TENANT_NAME_PATTERN, { message: `a tenant name: ${TENANT_NAME_RULE}` });

/** True when `value` is a valid tenant name. */
export function isTenantName(value: unknown): value is string {
  return typeof value === 'string' && TENANT_NAME_PATTERN.test(value);
}

/**
 * Returns `value` when it is a valid tenant name; otherwise throws an InputError for `field` that
 * names the value and the rule.
 * @example assertTenantName('bad tenant!') // InputError: tenant: "bad tenant!" is not a valid tenant name: use 1 to 64 letters, ...
 */
export function assertTenantName(value: unknown, field = 'tenant'): string {
  if (isTenantName(value)) return value;
  throw new InputError(field, `${JSON.stringify(value)} is not a valid tenant name: use ${TENANT_NAME_RULE}`, { value });
}
