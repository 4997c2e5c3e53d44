import type { Duration } from './duration.js';

/** A unit's working time: its office hours, weekends, national holidays and cuti bersama. */
export interface WorkingCalendar {
  /** The moment `duration` after `start`, counted as the duration's unit says (see duration.ts). */
  add(start: Date, duration: Duration): Date;
  /** Milliseconds of working time between two moments; 0 when `to` is not after `from`. */
  workingMsBetween(from: Date, to: Date): number;
}
