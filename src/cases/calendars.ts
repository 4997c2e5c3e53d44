import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { unitDaysOff, units } from '../db/index.js';
import type { HolidayCalendar, WorkingCalendar } from '../sop/index.js';
import { createWorkingCalendar, DEFAULT_WORKING_HOURS, zoneOf } from '../sop/index.js';

export interface UnitCalendarsOptions {
  /**
   * How long a unit's calendar is kept before its row and days off are read again; default 30 s.
   * Another process's change (a day off added in the console) reaches this one within it.
   */
  readonly refreshMs?: number;
  /** Injected so tests can move time; defaults to the wall clock. */
  readonly now?: () => number;
}

/** Each unit's working calendar, built from its row, its own days off and the national holidays. */
export class UnitCalendars {
  readonly #byUnit = new Map<string, { calendar: WorkingCalendar; ceiling: string | null; loadedAt: number }>();
  readonly #refreshMs: number;
  readonly #now: () => number;

  constructor(
    private readonly db: Db,
    readonly holidays: HolidayCalendar,
    private readonly defaultZone: string,
    opts: UnitCalendarsOptions = {},
  ) {
    this.#refreshMs = opts.refreshMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  /** `via`: the open transaction, if any (PGlite's one connection would otherwise wait on it). */
  async for(unitId: string, via: Tx = this.db): Promise<WorkingCalendar> {
    return (await this.#load(unitId, via)).calendar;
  }

  /** The unit's escalation ceiling (a role id), or null; read and refreshed with its calendar. */
  async ceiling(unitId: string, via: Tx = this.db): Promise<string | null> {
    return (await this.#load(unitId, via)).ceiling;
  }

  async #load(unitId: string, via: Tx) {
    const cached = this.#byUnit.get(unitId);
    if (cached && this.#now() - cached.loadedAt < this.#refreshMs) return cached;
    const [unit] = await via.select().from(units).where(eq(units.id, unitId));
    const daysOff = await via
      .select({ date: unitDaysOff.date, off: unitDaysOff.off, reason: unitDaysOff.reason })
      .from(unitDaysOff)
      .where(eq(unitDaysOff.unitId, unitId));
    const calendar = createWorkingCalendar({
      timeZone: zoneOf(unit?.timeZone ?? this.defaultZone),
      hours: unit?.workingHours ?? DEFAULT_WORKING_HOURS,
      periods: unit?.hoursPeriods ?? [],
      holidays: this.holidays,
      daysOff,
    });
    const entry = { calendar, ceiling: unit?.escalationCeiling ?? null, loadedAt: this.#now() };
    this.#byUnit.set(unitId, entry);
    return entry;
  }

  /** Forget a unit's calendar after its hours, zone or days off changed in this process. */
  invalidate(unitId: string): void {
    this.#byUnit.delete(unitId);
  }
}
