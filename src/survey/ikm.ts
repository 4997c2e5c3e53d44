import { UNSUR_IDS, type UnsurId } from './questions.js';

/** The sum and number of scores given to one unsur. */
export interface UnsurTally {
  readonly sum: number;
  readonly count: number;
}

export type Mutu = 'A' | 'B' | 'C' | 'D';

export interface IkmFigure {
  /** Nilai rata-rata per unsur (1–4), null for an unsur nobody scored. */
  readonly nrr: Readonly<Record<UnsurId, number | null>>;
  /** Σ NRR × 1/9: the IKM on the 1–4 scale. */
  readonly ikm: number | null;
  /** The IKM converted (× 25), rounded to two decimals as the regulation's table reads it. */
  readonly konversi: number | null;
  readonly mutu: Mutu | null;
  readonly respondents: number;
}

/** Each unsur weighs the same: 1/9 (PermenPANRB 14/2017). */
const WEIGHT = 1 / UNSUR_IDS.length;

/**
 * The IKM of a set of answers. The converted value is rounded to two decimals before its mutu is
 * read, since the regulation's intervals (A 88,31–100; B 76,61–88,30…) are written to two decimals.
 */
export function ikmOf(tallies: Readonly<Partial<Record<UnsurId, UnsurTally>>>, respondents: number): IkmFigure {
  const nrr = Object.fromEntries(
    UNSUR_IDS.map((id) => {
      const tally = tallies[id];
      return [id, tally && tally.count > 0 ? tally.sum / tally.count : null];
    }),
  ) as Record<UnsurId, number | null>;
  const scored = UNSUR_IDS.map((id) => nrr[id]);
  if (respondents === 0 || scored.some((v) => v === null)) {
    return { nrr, ikm: null, konversi: null, mutu: null, respondents };
  }
  const ikm = scored.reduce<number>((total, v) => total + (v ?? 0) * WEIGHT, 0);
  const konversi = round2(ikm * 25);
  return { nrr, ikm, konversi, mutu: mutuOf(konversi), respondents };
}

/** The mutu pelayanan of a converted IKM (already rounded to two decimals). */
export function mutuOf(konversi: number): Mutu {
  if (konversi >= 88.31) return 'A';
  if (konversi >= 76.61) return 'B';
  if (konversi >= 65) return 'C';
  return 'D';
}

/** 88.3055… → 88.31; the epsilon keeps 88.305 from becoming 88.30 through binary fractions. */
export function round2(value: number): number {
  return Math.round((value + Number.EPSILON) * 100) / 100;
}
