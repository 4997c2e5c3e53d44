import { DateTime } from 'luxon';
import type { Language } from './catalog.js';

const ZONE_LABELS: Readonly<Record<string, string>> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Jayapura': 'WIT',
};

// en-US: its short months are three letters ("Sep"); en-GB writes "Sept". The order comes from the format.
const localeOf = (language: Language) => (language === 'en' ? 'en-US' : 'id-ID');

/** WIB, WITA or WIT for Indonesia's zones; the IANA name for any other. */
export function zoneName(zone: string): string {
  return ZONE_LABELS[zone] ?? zone;
}

/**
 * A moment as every page and message shows it: "2 Des 2026 14.05 WIB" (English "2 Dec 2026
 * 14:05 WIB"), always with its zone, since units sit in three of them.
 */
export function formatMoment(at: Date, language: Language, zone: string): string {
  const local = DateTime.fromJSDate(at, { zone }).setLocale(localeOf(language));
  return `${local.toFormat(language === 'en' ? 'd LLL yyyy HH:mm' : 'd LLL yyyy HH.mm')} ${zoneName(zone)}`;
}

/** A day, in the same style: "2 Des 2026" (English "2 Dec 2026"). */
export function formatDay(at: Date, language: Language, zone: string): string {
  return DateTime.fromJSDate(at, { zone }).setLocale(localeOf(language)).toFormat('d LLL yyyy');
}

/**
 * A moment carried as an ISO string (a message parameter), in the same style; the string as it is
 * when it is not a time, so a message never shows "Invalid DateTime".
 */
export function formatIsoMoment(iso: string, language: Language, zone: string): string {
  const at = DateTime.fromISO(iso);
  return at.isValid ? formatMoment(at.toJSDate(), language, zone) : iso;
}
