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
  const ms = at.getTime();
  // Zones' offsets have had seconds in them only before 1980 (Monrovia's until 1972): since then a
  // moment's minute is its text's.
  if (!(ms >= WHOLE_MINUTE_OFFSETS_SINCE)) return formatted(at, language, zone);
  const key = `${language} ${zone} ${Math.floor(ms / 60_000)}`;
  let text = moments.get(key);
  if (text === undefined) {
    text = formatted(at, language, zone);
    if (moments.size >= MOMENTS_KEPT) moments.clear();
    moments.set(key, text);
  }
  return text;
}

/**
 * Texts of moments already written, by language, zone and minute: a deadline burst's thousands of
 * reminders show a few minutes, and luxon's formatting was a sixth of the CPU of sending them.
 */
const moments = new Map<string, string>();
const MOMENTS_KEPT = 1000;
const WHOLE_MINUTE_OFFSETS_SINCE = Date.UTC(1980, 0, 1);

function formatted(at: Date, language: Language, zone: string): string {
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
  // What toISOString writes (every time the service puts in a parameter) Date reads for less than
  // luxon; Date takes 30 February as 2 March, luxon refuses it, and so does the check after.
  if (UTC_ISO.test(iso)) {
    const at = new Date(iso);
    if (!Number.isNaN(at.getTime()) && at.toISOString().slice(0, 19) === iso.slice(0, 19)) {
      return formatMoment(at, language, zone);
    }
  }
  const at = DateTime.fromISO(iso);
  return at.isValid ? formatMoment(at.toJSDate(), language, zone) : iso;
}

const UTC_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
