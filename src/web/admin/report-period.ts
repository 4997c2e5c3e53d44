import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Language } from '../../i18n/index.js';

/** Seed 003 step 8: reports to the pimpinan are monthly, by semester and annual. */
export type PeriodKind = 'month' | 'semester' | 'year';

export interface Period {
  readonly kind: PeriodKind;
  readonly year: number;
  /** Month 1–12, semester 1–2, or 0 for a year. */
  readonly part: number;
  /** Start (inclusive) and end (exclusive), at midnight in the report's zone. */
  readonly from: Date;
  readonly to: Date;
  /** How the trend chart groups it: by day for a month, by month otherwise. */
  readonly bucket: 'day' | 'month';
  readonly zone: string;
}

const blank = (v: unknown) => (v === '' ? undefined : v);

const periodQuery = z.object({
  period: z.enum(['month', 'semester', 'year']).catch('month'),
  year: z.preprocess(blank, z.coerce.number().int().min(2000).max(2100).optional()).catch(undefined),
  month: z.preprocess(blank, z.coerce.number().int().min(1).max(12).optional()).catch(undefined),
  semester: z.preprocess(blank, z.coerce.number().int().min(1).max(2).optional()).catch(undefined),
});

/** The period a report's query string asks for; missing parts default to the one `now` falls in. */
export function parsePeriod(query: unknown, zone: string, now: Date): Period {
  const q = periodQuery.parse(query ?? {});
  const today = DateTime.fromJSDate(now, { zone });
  const year = q.year ?? today.year;
  let start: DateTime;
  let end: DateTime;
  let part: number;
  switch (q.period) {
    case 'month':
      part = q.month ?? today.month;
      start = DateTime.fromObject({ year, month: part, day: 1 }, { zone });
      end = start.plus({ months: 1 });
      break;
    case 'semester':
      part = q.semester ?? (today.month <= 6 ? 1 : 2);
      start = DateTime.fromObject({ year, month: part === 1 ? 1 : 7, day: 1 }, { zone });
      end = start.plus({ months: 6 });
      break;
    case 'year':
      part = 0;
      start = DateTime.fromObject({ year, month: 1, day: 1 }, { zone });
      end = start.plus({ years: 1 });
      break;
  }
  return {
    kind: q.period,
    year,
    part,
    from: start.toJSDate(),
    to: end.toJSDate(),
    bucket: q.period === 'month' ? 'day' : 'month',
    zone,
  };
}

/** "Agustus 2026", "Semester II 2026", "Tahun 2026". */
export function periodLabel(period: Period, language: Language): string {
  const locale = language === 'en' ? 'en-GB' : 'id-ID';
  switch (period.kind) {
    case 'month':
      return DateTime.fromJSDate(period.from, { zone: period.zone }).setLocale(locale).toFormat('LLLL yyyy');
    case 'semester':
      return `Semester ${period.part === 1 ? 'I' : 'II'} ${period.year}`;
    case 'year':
      return language === 'en' ? `Year ${period.year}` : `Tahun ${period.year}`;
  }
}

/** The query string of a period, for links and exports. */
export function periodQueryString(period: Period): string {
  const params = new URLSearchParams({ period: period.kind, year: String(period.year) });
  if (period.kind === 'month') params.set('month', String(period.part));
  if (period.kind === 'semester') params.set('semester', String(period.part));
  return params.toString();
}
