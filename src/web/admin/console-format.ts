import { DateTime } from 'luxon';
import type { Language } from '../../i18n/catalog.js';

/** A moment as a date in the console's zone: 14/08/2026. */
export function formatDate(at: Date | null, zone: string): string {
  return at ? DateTime.fromJSDate(at, { zone }).toFormat('dd/MM/yyyy') : '';
}

/** A moment with its time in the console's zone: 14/08/2026 15.00. */
export function formatDateTime(at: Date | null, zone: string): string {
  return at ? DateTime.fromJSDate(at, { zone }).toFormat('dd/MM/yyyy HH.mm') : '';
}

/** A working-time length as hours and minutes: "2 j 30 mnt" (days differ by unit, so none are counted). */
export function formatWorkingMs(ms: number | null, language: Language): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  const minutes = Math.round(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const words = language === 'en' ? { h: 'h', m: 'min' } : { h: 'j', m: 'mnt' };
  if (hours === 0) return `${rest} ${words.m}`;
  return rest === 0 ? `${hours} ${words.h}` : `${hours} ${words.h} ${rest} ${words.m}`;
}

/** Hours with one decimal, for exports and charts where a number is wanted. */
export function hoursOf(ms: number | null): number | null {
  return ms === null ? null : Math.round(ms / 360_000) / 10;
}
