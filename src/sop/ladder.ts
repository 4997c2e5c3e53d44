import type { WorkingCalendar } from './calendar.js';
import type { LadderRung } from './definition.js';

/** What a rung's time depends on: the visit's start, its deadline and the working time paused meanwhile. */
export interface RungClock {
  readonly enteredAt: Date;
  readonly dueAt: Date;
  /** Working time the step's clock stood still (waiting on the reporter); the deadline moved by it. */
  readonly pausedMs: number;
}

/** The step's waktu as working time: from entering to the deadline, without the pauses. */
export function waktuMsOf(clock: RungClock, calendar: WorkingCalendar): number {
  return Math.max(0, calendar.workingMsBetween(clock.enteredAt, clock.dueAt) - clock.pausedMs);
}

/** When a rung fires, or null when it does not apply to this step (its waktu is too short). */
export function rungTime(rung: LadderRung, clock: RungClock, calendar: WorkingCalendar): Date | null {
  const waktuMs = waktuMsOf(clock, calendar);
  if (rung.longerThan) {
    const limit = calendar.workingMsBetween(clock.enteredAt, calendar.add(clock.enteredAt, rung.longerThan));
    if (waktuMs <= limit) return null;
  }
  if (rung.at !== undefined) {
    // A pause came before the heads-up (it would have fired already otherwise): skip over it too.
    return calendar.addWorkingMs(clock.enteredAt, Math.round(rung.at * waktuMs) + clock.pausedMs);
  }
  const candidates: Date[] = [];
  if (rung.after) candidates.push(calendar.add(clock.dueAt, rung.after));
  if (rung.afterShare !== undefined) {
    candidates.push(calendar.addWorkingMs(clock.dueAt, Math.round(rung.afterShare * waktuMs)));
  }
  if (rung.min) candidates.push(calendar.add(clock.dueAt, rung.min));
  if (candidates.length === 0) return null;
  return new Date(Math.max(...candidates.map((c) => c.getTime())));
}

/** The first rung from `from` on that applies to the step, and when it fires; nextRung is the ladder's length when none does. */
export function nextRungFrom(
  ladder: readonly LadderRung[],
  from: number,
  clock: RungClock,
  calendar: WorkingCalendar,
): { nextRung: number; nextTimerAt: Date | null } {
  for (let i = from; i < ladder.length; i++) {
    const rung = ladder[i];
    const at = rung ? rungTime(rung, clock, calendar) : null;
    if (at) return { nextRung: i, nextTimerAt: at };
  }
  return { nextRung: ladder.length, nextTimerAt: null };
}
