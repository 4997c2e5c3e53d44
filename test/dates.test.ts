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
  });
});
