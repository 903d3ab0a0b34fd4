import { ApiError } from './api.js';

/** A thrown value as one line for the page. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message}${error.status ? ` (HTTP ${error.status}${error.code ? `, ${error.code}` : ''})` : ''}`;
  return error instanceof Error ? error.message : String(error);
}

export const fixed = (value: number | null | undefined, digits = 4): string => (typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–');

export const percent = (value: number | null | undefined, digits = 1): string => (typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : '–');

export function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  if (count < 1024 * 1024) return `${(count / 1024).toFixed(1)} KiB`;
  return `${(count / 1024 / 1024).toFixed(1)} MiB`;
}

export const dateTime = (iso: string | null | undefined): string => (iso ? new Date(iso).toLocaleString() : '–');
