import { GroundworkError } from '../errors.js';
import type { MonitorReference } from './monitor-options.js';
import type { MonitorWindow, ReferenceKind } from './types.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Length of each report window. */
export const WINDOW_MS: Record<MonitorWindow, number> = { '1h': HOUR_MS, '1d': DAY_MS, '7d': 7 * DAY_MS };

/** Finds the time of the last promotion (model registry) for a tenant; undefined when there was none. */
export type LastPromotion = (tenant: string | null) => Promise<Date | undefined>;

/** The current window [now - window, now) and its reference window. */
export async function resolveWindows(
  window: MonitorWindow,
  reference: MonitorReference,
  now: Date,
  tenant: string | null,
  lastPromotion?: LastPromotion,
): Promise<{ current: { from: Date; to: Date }; reference: { from: Date; to: Date; kind: ReferenceKind } }> {
  const current = { from: new Date(now.getTime() - WINDOW_MS[window]), to: now };
  switch (reference.kind) {
    case 'previous':
      return { current, reference: { kind: 'previous', from: new Date(current.from.getTime() - reference.days * DAY_MS), to: current.from } };
    case 'pinned':
      return { current, reference: { kind: 'pinned', from: new Date(reference.from), to: new Date(reference.to) } };
    case 'after-promotion': {
      if (!lastPromotion) {
        throw new GroundworkError(
          'CONFIG',
          "monitor.reference.kind 'after-promotion' needs the model registry's promotion history, and this caller was given none (pass lastPromotion, e.g. lastPromotionFinder(db) from src/registry); or use kind 'previous' (the days before the window) or 'pinned' ({from, to})",
        );
      }
      const promoted = await lastPromotion(tenant);
      if (!promoted) throw new GroundworkError('CONFIG', `monitor.reference.kind 'after-promotion': no promotion recorded${tenant ? ` for tenant ${tenant}` : ''}; promote an entry or use kind 'previous'`);
      const to = new Date(Math.min(promoted.getTime() + reference.days * DAY_MS, current.from.getTime()));
      return { current, reference: { kind: 'after-promotion', from: promoted, to } };
    }
  }
}
