import { assertTenantName } from '../config/tenant-name.js';
import { GroundworkError } from '../errors.js';
import type { Principal } from './app-env.js';

/**
 * The tenant a request acts on. A key only ever acts on its own tenant: naming another one is 403.
 * Without auth, the named tenant or the configured default.
 */
export function resolveTenant(principal: Principal, requested: string | undefined, defaultTenant: string): string {
  if (requested !== undefined) assertTenantName(requested);
  if (principal.kind === 'anonymous') return requested ?? defaultTenant;
  if (requested !== undefined && requested !== principal.tenant) {
    throw new GroundworkError('FORBIDDEN', `this API key belongs to another tenant and cannot act on tenant "${requested}"`, { details: { tenant: requested } });
  }
  return principal.tenant;
}
