import { eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { units } from '../db/schema.js';
import type { WorkingCalendar } from '../sop/calendar.js';
import type { HolidayCalendar } from '../sop/holidays.js';
import { createWorkingCalendar, DEFAULT_WORKING_HOURS, zoneOf } from '../sop/working-calendar.js';

/** Each unit's working calendar, built once from its row and the national holidays. */
export class UnitCalendars {
  readonly #byUnit = new Map<string, WorkingCalendar>();

  constructor(
    private readonly db: Db,
    private readonly holidays: HolidayCalendar,
    private readonly defaultZone: string,
  ) {}

  /** `via`: the open transaction, if any (PGlite's one connection would otherwise wait on it). */
  async for(unitId: string, via: Tx = this.db): Promise<WorkingCalendar> {
    const cached = this.#byUnit.get(unitId);
    if (cached) return cached;
    const [unit] = await via.select().from(units).where(eq(units.id, unitId));
    const calendar = createWorkingCalendar({
      timeZone: zoneOf(unit?.timeZone ?? this.defaultZone),
      hours: unit?.workingHours ?? DEFAULT_WORKING_HOURS,
      holidays: this.holidays,
    });
    this.#byUnit.set(unitId, calendar);
    return calendar;
  }

  /** Forget a unit's calendar after its hours or time zone changed. */
  invalidate(unitId: string): void {
    this.#byUnit.delete(unitId);
  }
}
