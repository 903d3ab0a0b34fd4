import type { Rollout } from './rollout-store.js';
import { armLabels } from './rollout-store.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_TO_32 = 4_294_967_296;

/**
 * A stable bucket in [0, 1) for a unit (user, session or API key) of a tenant in one rollout:
 * 32-bit FNV-1a over `rolloutId NUL tenant NUL unit`. The same unit gets the same bucket on every
 * request and every server (sticky without storage); the tenant is part of the key, so equal user
 * ids of two tenants are independent; the rollout id makes two experiments' splits independent.
 * A canary that raises its share keeps everyone it already moved (bucket < share stays true).
 */
export function bucketOf(rolloutId: number, tenant: string, unit: string): number {
  let hash = FNV_OFFSET;
  hash = mix(hash, String(rolloutId));
  hash = Math.imul(hash ^ 0, FNV_PRIME) >>> 0;
  hash = mix(hash, tenant);
  hash = Math.imul(hash ^ 0, FNV_PRIME) >>> 0;
  hash = mix(hash, unit);
  return hash / TWO_TO_32;
}

function mix(start: number, text: string): number {
  let hash = start;
  for (let i = 0; i < text.length; i += 1) {
    // UTF-16 code units, each folded in as two bytes' worth: cheap and stable across processes.
    hash = Math.imul(hash ^ (text.charCodeAt(i) & 0xff), FNV_PRIME) >>> 0;
    hash = Math.imul(hash ^ (text.charCodeAt(i) >>> 8), FNV_PRIME) >>> 0;
  }
  return hash;
}

/**
 * The arm label (telemetry `arm`) a unit of `tenant` gets in a running rollout: the treatment when
 * its bucket is under the treatment share, else the control. A rollout of another tenant never
 * assigns (undefined): a request only ever joins its own tenant's rollout.
 */
export function assignArm(rollout: Pick<Rollout, 'id' | 'tenant' | 'treatmentShare' | 'controlEntryId' | 'treatmentEntryId'>, tenant: string, unit: string): { arm: string; treatment: boolean } | undefined {
  if (rollout.tenant !== tenant) return undefined;
  const labels = armLabels(rollout);
  const treatment = bucketOf(rollout.id, tenant, unit) < rollout.treatmentShare;
  return { arm: treatment ? labels.treatment : labels.control, treatment };
}
