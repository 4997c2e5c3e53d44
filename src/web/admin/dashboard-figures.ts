import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import type { Tx } from '../../db/index.js';
import { queryRows } from '../../db/index.js';
import { dayAround } from './tracking-query.js';

/**
 * What the dashboard counts of the open cases, each matching a filter of the tracking table so
 * a count links to its cases. A new measure is one more field here, one more `filter (where …)`
 * below and one more entry in the dashboard's MEASURES.
 */
export interface OpenCounts {
  readonly open: number;
  /**
   * The current step falls due today (in the console's zone), whether its time has passed or not;
   * not while it waits on the reporter, whose answer moves the due time.
   */
  readonly dueToday: number;
  /** The current step is past its due time, and its clock runs (it does not wait on the reporter). */
  readonly late: number;
  /** The current step waits on the reporter ("menunggu pelapor"): its clock stands still. */
  readonly waiting: number;
  /** The current step has no holder: no official had its role when it was entered. */
  readonly unheld: number;
}

export interface OnTimeShare {
  /** Steps left in the month that had a due time and were measured. */
  readonly steps: number;
  readonly onTime: number;
  /** Whole percent, or null for a month without steps. */
  readonly pct: number | null;
}

export interface DashboardFigures {
  readonly total: OpenCounts;
  readonly bySop: ReadonlyMap<string, OpenCounts>;
  readonly byUnit: ReadonlyMap<string, OpenCounts>;
  readonly thisMonth: OnTimeShare;
  readonly lastMonth: OnTimeShare;
}

export const NO_CASES: OpenCounts = { open: 0, dueToday: 0, late: 0, waiting: 0, unheld: 0 };

function add(a: OpenCounts, b: OpenCounts): OpenCounts {
  return {
    open: a.open + b.open,
    dueToday: a.dueToday + b.dueToday,
    late: a.late + b.late,
    waiting: a.waiting + b.waiting,
    unheld: a.unheld + b.unheld,
  };
}

function share(steps: number, onTime: number): OnTimeShare {
  return { steps, onTime, pct: steps > 0 ? Math.round((onTime / steps) * 100) : null };
}

/** The dashboard's counts at `now`: open cases by SOP and by unit, and on-time shares of this and last month. */
export async function dashboardFigures(db: Tx, now: Date, zone: string): Promise<DashboardFigures> {
  const today = dayAround(now, zone);
  const month = DateTime.fromJSDate(now, { zone }).startOf('month');
  const thisStart = month.toUTC().toISO();
  const lastStart = month.minus({ months: 1 }).toUTC().toISO();
  const [openRows, monthRows] = await Promise.all([
    queryRows<{
      sop_id: string;
      unit_id: string;
      open: number;
      due_today: number;
      late: number;
      waiting: number;
      unheld: number;
    }>(
      db,
      sql`select c.sop_id, c.unit_id, count(*)::int as open,
  (count(*) filter (where s.due_at >= ${today.start}::timestamptz and s.due_at < ${today.end}::timestamptz and s.paused_at is null))::int as due_today,
  (count(*) filter (where s.due_at < ${now.toISOString()}::timestamptz and s.paused_at is null))::int as late,
  (count(*) filter (where s.paused_at is not null))::int as waiting,
  (count(*) filter (where s.id is not null and s.assignee_id is null))::int as unheld
from cases c left join step_instances s on s.id = c.open_instance_id
where c.status = 'open'
group by 1, 2`,
    ),
    queryRows<{ this_month: number; n: number; on_time: number }>(
      db,
      // A step closed while it waited on the reporter ("tidak dilengkapi") stopped its clock when it asked.
      sql`select (s.left_at >= ${thisStart}::timestamptz)::int as this_month, count(*)::int as n,
  (count(*) filter (where coalesce(s.paused_at, s.left_at) <= s.due_at))::int as on_time
from step_instances s
where s.left_at >= ${lastStart}::timestamptz and s.left_at < ${now.toISOString()}::timestamptz
  and s.due_at is not null and s.working_ms is not null
group by 1`,
    ),
  ]);
  const bySop = new Map<string, OpenCounts>();
  const byUnit = new Map<string, OpenCounts>();
  let total = NO_CASES;
  for (const r of openRows) {
    const counts = {
      open: Number(r.open),
      dueToday: Number(r.due_today),
      late: Number(r.late),
      waiting: Number(r.waiting),
      unheld: Number(r.unheld),
    };
    bySop.set(r.sop_id, add(bySop.get(r.sop_id) ?? NO_CASES, counts));
    byUnit.set(r.unit_id, add(byUnit.get(r.unit_id) ?? NO_CASES, counts));
    total = add(total, counts);
  }
  const monthOf = (current: boolean) => {
    const row = monthRows.find((r) => (Number(r.this_month) === 1) === current);
    return share(Number(row?.n ?? 0), Number(row?.on_time ?? 0));
  };
  return { total, bySop, byUnit, thisMonth: monthOf(true), lastMonth: monthOf(false) };
}
