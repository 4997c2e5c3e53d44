import type { Duration } from './duration.js';

/** A unit's working time: its office hours, weekends, national holidays, cuti bersama and own days off. */
export interface WorkingCalendar {
  /** The IANA zone the unit works in. */
  readonly timeZone: string;
  /** The moment `duration` after `start`, counted as the duration's unit says (see duration.ts). */
  add(start: Date, duration: Duration): Date;
  /** The earliest moment by which `ms` of working time has passed since `start`. */
  addWorkingMs(start: Date, ms: number): Date;
  /** Milliseconds of working time between two moments; 0 when `to` is not after `from`. */
  workingMsBetween(from: Date, to: Date): number;
  /**
   * True when a day from `from` to `to` lies in a year whose holiday list is an estimate or
   * missing: a deadline counted over it may move once the year's SKB is known.
   */
  estimatedBetween(from: Date, to: Date): boolean;
}
