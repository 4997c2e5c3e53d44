import type { WorkingCalendar } from './calendar.js';
import type { OpenStep } from './case-state.js';
import { type Duration, parseDuration } from './duration.js';
import type { RungClock } from './ladder.js';

/** How long a step waits on the reporter when its SOP says nothing: 10 hari kerja. */
export const DEFAULT_REPORTER_WAIT = parseDuration('10 hari kerja') as Duration;

/** The clock the ladder reads: the visit's start, its deadline and the waits already ended. */
export function clockOf(open: OpenStep): RungClock {
  return { enteredAt: open.enteredAt, dueAt: open.dueAt, pausedMs: open.pausedMs ?? 0 };
}

/** True while the step waits on the reporter. */
export function isWaitingOnReporter(open: OpenStep | null): boolean {
  return Boolean(open?.pausedAt);
}

/**
 * Working time the step has run by `now`, without its waits on the reporter (ended or going on):
 * what reports measure against the waktu.
 */
export function activeWorkingMs(open: OpenStep, now: Date, calendar: WorkingCalendar): number {
  const current = open.pausedAt ? calendar.workingMsBetween(open.pausedAt, now) : 0;
  return Math.max(0, calendar.workingMsBetween(open.enteredAt, now) - (open.pausedMs ?? 0) - current);
}

/**
 * Working time left before the deadline at `now` (negative when overdue). While the step waits on
 * the reporter the clock stands still: what was left when the wait began.
 */
export function workingMsLeft(open: OpenStep, now: Date, calendar: WorkingCalendar): number {
  const at = open.pausedAt ?? now;
  return open.dueAt >= at ? calendar.workingMsBetween(at, open.dueAt) : -calendar.workingMsBetween(open.dueAt, at);
}

/**
 * The step's clock stops: it waits on the reporter until `until`, reminding them at `reminderAt`.
 * The ladder's timers are superseded by the new epoch; the rung they had reached is kept.
 */
export function pauseStep(open: OpenStep, now: Date, until: Date, reminderAt: Date, reminderRung: number): OpenStep {
  return {
    ...open,
    pausedAt: now,
    pauseUntil: until,
    pauseRung: open.nextRung,
    nextRung: reminderRung,
    nextTimerAt: reminderAt,
    clockEpoch: (open.clockEpoch ?? 0) + 1,
  };
}

/**
 * The reporter answered: the deadline moves by the working time the wait lasted, which is added to
 * the step's paused time, and the ladder goes on from the rung the wait interrupted.
 */
export function resumeStep(open: OpenStep, now: Date, calendar: WorkingCalendar): OpenStep {
  const waited = open.pausedAt ? calendar.workingMsBetween(open.pausedAt, now) : 0;
  return {
    ...open,
    dueAt: waited > 0 ? calendar.addWorkingMs(open.dueAt, waited) : open.dueAt,
    pausedMs: (open.pausedMs ?? 0) + waited,
    pausedAt: null,
    pauseUntil: null,
    nextRung: open.pauseRung ?? open.nextRung,
    pauseRung: null,
    clockEpoch: (open.clockEpoch ?? 0) + 1,
  };
}

const ONE_WORKDAY: Duration = { amount: 1, unit: 'workday', text: '1 hari kerja' };
/** Enough for any waktu an SOP gives (a year of hari kerja); a longer wait is shown in hours. */
const MAX_DAYS_COUNTED = 260;

/**
 * The time left (or overdue) as people read it: working milliseconds, and from one whole hari kerja
 * on the whole hari kerja with the rest ("sisa 3 hari kerja", not "sisa 24 jam kerja"). A hari kerja
 * keeps the time of day, as deadlines count it, so a day with ISHOMA or Ramadan hours is still one.
 * A fresh object each call: the engine adds its own keys to it.
 */
export function timeLeftParams(open: OpenStep, now: Date, calendar: WorkingCalendar): Record<string, string> {
  const leftMs = workingMsLeft(open, now, calendar);
  const at = open.pausedAt ?? now;
  const [from, to] = leftMs >= 0 ? [at, open.dueAt] : [open.dueAt, at];
  let days = 0;
  let cursor = from;
  for (; days < MAX_DAYS_COUNTED; days++) {
    const next = calendar.add(cursor, ONE_WORKDAY);
    if (next > to) break;
    cursor = next;
  }
  if (days === 0 || days === MAX_DAYS_COUNTED) return { left_ms: String(leftMs) };
  return {
    left_ms: String(leftMs),
    left_days: String(days),
    left_rest_ms: String(calendar.workingMsBetween(cursor, to)),
  };
}
