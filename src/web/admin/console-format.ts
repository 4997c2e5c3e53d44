import type { Language } from '../../i18n/index.js';
import { formatDay, formatMoment } from '../../i18n/index.js';

/** A day in the console's zone ("14 Agu 2026"); empty for a moment not reached (a case still open). */
export function formatDate(at: Date | null, language: Language, zone: string): string {
  return at ? formatDay(at, language, zone) : '';
}

/** A moment in the console's zone ("14 Agu 2026 15.00 WIB"); empty for a moment not reached. */
export function formatDateTime(at: Date | null, language: Language, zone: string): string {
  return at ? formatMoment(at, language, zone) : '';
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
