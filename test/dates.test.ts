import { describe, expect, it } from 'vitest';
import { formatDay, formatIsoMoment, formatMoment } from '../src/i18n/dates.js';

// 2 December 2026 07:05 UTC: 14.05 in Jakarta, 15.05 in Makassar, 16.05 in Jayapura.
const at = new Date('2026-12-02T07:05:00Z');

describe('the one date style', () => {
  it('writes a moment as "2 Des 2026 14.05 WIB", its zone always shown', () => {
    expect(formatMoment(at, 'id', 'Asia/Jakarta')).toBe('2 Des 2026 14.05 WIB');
    expect(formatMoment(at, 'id', 'Asia/Makassar')).toBe('2 Des 2026 15.05 WITA');
    expect(formatMoment(at, 'id', 'Asia/Jayapura')).toBe('2 Des 2026 16.05 WIT');
  });

  it('has an English form with English months and a colon', () => {
    expect(formatMoment(at, 'en', 'Asia/Jakarta')).toBe('2 Dec 2026 14:05 WIB');
    expect(formatDay(new Date('2026-08-17T03:00:00Z'), 'en', 'Asia/Jakarta')).toBe('17 Aug 2026');
    expect(formatDay(new Date('2026-08-17T03:00:00Z'), 'id', 'Asia/Jakarta')).toBe('17 Agu 2026');
  });

  it('reads a message parameter carried as ISO, and leaves a non-time as it is', () => {
    expect(formatIsoMoment(at.toISOString(), 'id', 'Asia/Jakarta')).toBe('2 Des 2026 14.05 WIB');
    expect(formatIsoMoment('-', 'id', 'Asia/Jakarta')).toBe('-');
    expect(formatIsoMoment('2026-02-30T03:00:00Z', 'id', 'Asia/Jakarta')).toBe('2026-02-30T03:00:00Z');
    expect(formatIsoMoment('2026-12-02T14:05:00+07:00', 'id', 'Asia/Jakarta')).toBe('2 Des 2026 14.05 WIB');
  });

  it('writes the moments of one minute alike, in each language and zone, whatever was written before', () => {
    const inMinute = (s: number) => new Date(Date.UTC(2026, 11, 2, 7, 5, s, 999));
    expect(formatMoment(inMinute(59), 'id', 'Asia/Jakarta')).toBe('2 Des 2026 14.05 WIB');
    expect(formatMoment(inMinute(1), 'en', 'Asia/Jakarta')).toBe('2 Dec 2026 14:05 WIB');
    expect(formatMoment(inMinute(30), 'id', 'Asia/Makassar')).toBe('2 Des 2026 15.05 WITA');
    expect(formatMoment(new Date(Date.UTC(2026, 11, 2, 7, 6)), 'id', 'Asia/Jakarta')).toBe('2 Des 2026 14.06 WIB');
    // Monrovia was 44 min 30 s behind UTC until 1972: its minutes do not start with UTC's.
    expect(formatMoment(new Date(Date.UTC(1970, 0, 1, 12, 0, 15)), 'en', 'Africa/Monrovia')).toBe(
      '1 Jan 1970 11:15 Africa/Monrovia',
    );
    expect(formatMoment(new Date(Date.UTC(1970, 0, 1, 12, 0, 45)), 'en', 'Africa/Monrovia')).toBe(
      '1 Jan 1970 11:16 Africa/Monrovia',
    );
  });
});
