import { describe, expect, it } from 'vitest';
import { dueText } from '../src/outbox/render.js';

const HOUR = 3_600_000;
const due = '2026-07-13T08:00:00Z';

describe('a due time as people read it', () => {
  it('carries its zone and the working time left', () => {
    expect(dueText({ due, left_ms: String(3 * HOUR) }, 'id', 'Asia/Jakarta')).toBe(
      '13 Jul 2026 15.00 WIB (sisa 3 jam kerja)',
    );
    expect(dueText({ due, left_ms: String(2.5 * HOUR) }, 'en', 'Asia/Makassar')).toBe(
      '13 Jul 2026 16:00 WITA (2.5 working hours left)',
    );
    expect(dueText({ due, left_ms: String(20 * 60_000) }, 'id', 'Asia/Jayapura')).toBe(
      '13 Jul 2026 17.00 WIT (sisa 20 menit kerja)',
    );
  });

  it('says how far past it a step is', () => {
    expect(dueText({ due, left_ms: String(-26 * HOUR) }, 'id', 'Asia/Jakarta')).toContain('(lewat 26 jam kerja)');
  });

  it('marks a waktu SIPUT chose, the seed’s effort, and a deadline over an estimated holiday year', () => {
    const text = dueText(
      { due, left_ms: String(HOUR), waktu: '2 minggu', waktu_default: '1', effort: '12.5 jam', estimated: '1' },
      'id',
      'Asia/Jakarta',
    );
    expect(text).toBe(
      '13 Jul 2026 15.00 WIB (sisa 1 jam kerja; waktu 2 minggu ketetapan SIPUT; upaya menurut SOP 12.5 jam; perkiraan: hari libur tahun itu belum ditetapkan SKB)',
    );
    expect(dueText({ due, waktu: '1 hari', waktu_default: '' }, 'id', 'Asia/Jakarta')).toBe('13 Jul 2026 15.00 WIB');
  });
});

describe('a long time left, in hari kerja', () => {
  it('counts whole working days, with the hours beyond them, in both languages', () => {
    expect(dueText({ due, left_ms: String(26 * HOUR), left_days: '3', left_rest_ms: '0' }, 'id', 'Asia/Jakarta')).toBe(
      '13 Jul 2026 15.00 WIB (sisa 3 hari kerja)',
    );
    expect(
      dueText(
        { due, left_ms: String(26 * HOUR), left_days: '3', left_rest_ms: String(2 * HOUR) },
        'en',
        'Asia/Jakarta',
      ),
    ).toContain('(3 working days 2 h left)');
    expect(
      dueText({ due, left_ms: String(-9 * HOUR), left_days: '1', left_rest_ms: String(HOUR) }, 'id', 'Asia/Jakarta'),
    ).toContain('(lewat 1 hari 1 jam kerja)');
  });

  it('says the clock stands still while the step waits on the reporter', () => {
    expect(dueText({ due, left_ms: String(HOUR), waiting: '1' }, 'id', 'Asia/Jakarta')).toContain(
      'sisa 1 jam kerja; waktu berhenti: menunggu pelapor',
    );
  });
});
