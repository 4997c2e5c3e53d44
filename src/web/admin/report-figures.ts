import { type SQL, sql } from 'drizzle-orm';
import type { UnitCalendars } from '../../cases/calendars.js';
import type { SopRegistry } from '../../cases/sop-registry.js';
import type { Db } from '../../db/client.js';
import { dateOf, queryRows } from '../../db/raw.js';
import type { Period } from './report-period.js';

/** Seed 003 step 8, per SOP step: how often it was done, how long it took in working time, and how often in time. */
export interface StepFigure {
  readonly sopId: string;
  readonly stepId: string;
  readonly kegiatan: string;
  /** The step's mutu-baku time, as the SOP writes it ("3 hari kerja"). */
  readonly waktu: string;
  /** Visits left within the period. */
  readonly count: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
  /** Share of the visits left by their due time (computed from the waktu on the unit's calendar), 0–100. */
  readonly onTimePct: number | null;
}

/** Open and overdue now; handled (steps left) and the median working time of those within the period. */
export interface LoadFigure {
  readonly id: string;
  readonly name: string;
  readonly open: number;
  readonly overdue: number;
  readonly handled: number;
  readonly medianResponseMs: number | null;
}

export interface CountFigure {
  readonly key: string;
  readonly count: number;
}

export interface TrendPoint {
  /** "2026-08" or "2026-08-14", in the report's zone. */
  readonly bucket: string;
  readonly opened: number;
  readonly closed: number;
}

export interface Report {
  readonly period: Period;
  readonly unitId: string | null;
  readonly totals: { opened: number; closed: number; open: number; overdue: number };
  readonly steps: readonly StepFigure[];
  readonly officials: readonly LoadFigure[];
  readonly units: readonly LoadFigure[];
  readonly categories: readonly CountFigure[];
  readonly channels: readonly CountFigure[];
  readonly trend: readonly TrendPoint[];
}

export interface ReportDeps {
  readonly db: Db;
  readonly sops: SopRegistry;
  readonly calendars: UnitCalendars;
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Rows per UPDATE when filling in working times, well under Postgres' 65,535 bound parameters. */
const FILL_BATCH = 1000;
/** Most rows one report fills in: older rows beyond it are filled by the next reports. */
const FILL_MAX = 200_000;

/**
 * Steps left before step_instances.working_ms was recorded have none: it is computed here on the
 * unit's working calendar (office hours, weekends, holidays, cuti bersama) and stored, so each old
 * row is computed once and every report after that aggregates in SQL alone.
 */
export async function fillWorkingTimes(deps: ReportDeps, from: Date, to: Date): Promise<number> {
  let filled = 0;
  while (filled < FILL_MAX) {
    const rows = await queryRows<{ id: string; unit_id: string; entered_at: unknown; left_at: unknown }>(
      deps.db,
      sql`select s.id, c.unit_id, s.entered_at, s.left_at from step_instances s join cases c on c.id = s.case_id
where s.left_at >= ${ts(from)} and s.left_at < ${ts(to)} and s.working_ms is null limit ${FILL_BATCH}`,
    );
    if (rows.length === 0) break;
    const values: SQL[] = [];
    for (const r of rows) {
      const calendar = await deps.calendars.for(r.unit_id);
      const ms = calendar.workingMsBetween(dateOf(r.entered_at) as Date, dateOf(r.left_at) as Date);
      values.push(sql`(${r.id}, ${ms}::bigint)`);
    }
    await deps.db.execute(
      sql`update step_instances s set working_ms = v.ms from (values ${sql.join(values, sql`, `)}) as v(id, ms) where s.id = v.id`,
    );
    filled += rows.length;
    if (rows.length < FILL_BATCH) break;
  }
  return filled;
}

/**
 * Every figure of a report. Aggregates run in SQL over the period's rows (percentile_cont for the
 * median and p90), several queries at once on the pool; nothing is read row by row into memory.
 */
export async function buildReport(
  deps: ReportDeps,
  period: Period,
  opts: { unitId?: string | null; now?: Date } = {},
): Promise<Report> {
  const { db } = deps;
  const now = opts.now ?? new Date();
  const unitId = opts.unitId ?? null;
  await fillWorkingTimes(deps, period.from, period.to);
  const unitOf = unitId ? sql`and c.unit_id = ${unitId}` : sql``;
  const left = sql`s.left_at >= ${ts(period.from)} and s.left_at < ${ts(period.to)}`;
  const opened = sql`c.opened_at >= ${ts(period.from)} and c.opened_at < ${ts(period.to)} ${unitOf}`;
  const closed = sql`c.closed_at >= ${ts(period.from)} and c.closed_at < ${ts(period.to)} ${unitOf}`;
  const bucketFormat = period.bucket === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
  const bucketOf = (column: SQL) =>
    sql`to_char(date_trunc(${period.bucket}, ${column} at time zone ${period.zone}), ${bucketFormat})`;

  const [
    stepRows,
    actorRows,
    holderRows,
    unitLeftRows,
    unitOpenRows,
    categoryRows,
    channelRows,
    openedRows,
    closedRows,
  ] = await Promise.all([
    queryRows<{ sop_id: string; step_id: string; n: number; median: unknown; p90: unknown; on_time: number }>(
      db,
      sql`select c.sop_id, s.step_id, count(*)::int as n,
  percentile_cont(0.5) within group (order by s.working_ms) as median,
  percentile_cont(0.9) within group (order by s.working_ms) as p90,
  (count(*) filter (where s.left_at <= s.due_at))::int as on_time
from step_instances s join cases c on c.id = s.case_id
where ${left} ${unitOf}
group by c.sop_id, s.step_id`,
    ),
    queryRows<{ id: string; handled: number; median: unknown }>(
      db,
      sql`select s.actor_id as id, count(*)::int as handled,
  percentile_cont(0.5) within group (order by s.working_ms) as median
from step_instances s join cases c on c.id = s.case_id
where ${left} and s.actor_id is not null ${unitOf}
group by s.actor_id`,
    ),
    queryRows<{ id: string; open: number; overdue: number }>(
      db,
      sql`select s.assignee_id as id, count(*)::int as open,
  (count(*) filter (where s.due_at < ${ts(now)}))::int as overdue
from step_instances s join cases c on c.id = s.case_id
where s.left_at is null and s.assignee_id is not null ${unitOf}
group by s.assignee_id`,
    ),
    queryRows<{ id: string; handled: number; median: unknown }>(
      db,
      sql`select c.unit_id as id, count(*)::int as handled,
  percentile_cont(0.5) within group (order by s.working_ms) as median
from step_instances s join cases c on c.id = s.case_id
where ${left} ${unitOf}
group by c.unit_id`,
    ),
    queryRows<{ id: string; open: number; overdue: number }>(
      db,
      sql`select c.unit_id as id, count(*)::int as open,
  (count(*) filter (where s.due_at < ${ts(now)}))::int as overdue
from cases c join step_instances s on s.id = c.open_instance_id
where c.status = 'open' ${unitOf}
group by c.unit_id`,
    ),
    queryRows<{ k: string; n: number }>(
      db,
      sql`select coalesce(c.category, '-') as k, count(*)::int as n from cases c where ${opened} group by 1 order by 2 desc, 1`,
    ),
    queryRows<{ k: string; n: number }>(
      db,
      sql`select coalesce(c.channel, '-') as k, count(*)::int as n from cases c where ${opened} group by 1 order by 2 desc, 1`,
    ),
    queryRows<{ k: string; n: number }>(
      db,
      sql`select ${bucketOf(sql`c.opened_at`)} as k, count(*)::int as n from cases c where ${opened} group by 1`,
    ),
    queryRows<{ k: string; n: number }>(
      db,
      sql`select ${bucketOf(sql`c.closed_at`)} as k, count(*)::int as n from cases c where ${closed} group by 1`,
    ),
  ]);

  const [officialNames, unitNames] = await Promise.all([
    queryRows<{ id: string; name: string }>(db, sql`select id, name from officials`),
    queryRows<{ id: string; name: string }>(db, sql`select id, name from units`),
  ]);

  const steps: StepFigure[] = [];
  for (const r of stepRows) {
    const sop = await deps.sops.latest(r.sop_id);
    const def = sop?.steps.find((s) => s.id === r.step_id);
    steps.push({
      sopId: r.sop_id,
      stepId: r.step_id,
      kegiatan: def?.kegiatan ?? '',
      waktu: def?.waktu.text ?? '',
      count: Number(r.n),
      medianMs: num(r.median),
      p90Ms: num(r.p90),
      onTimePct: Number(r.n) > 0 ? Math.round((Number(r.on_time) / Number(r.n)) * 1000) / 10 : null,
    });
  }
  const order = (sopId: string, stepId: string) =>
    deps.sops.latest(sopId).then((sop) => sop?.steps.findIndex((s) => s.id === stepId) ?? 0);
  const ranks = new Map<string, number>();
  for (const s of steps) ranks.set(`${s.sopId}:${s.stepId}`, await order(s.sopId, s.stepId));
  steps.sort(
    (a, b) =>
      a.sopId.localeCompare(b.sopId) ||
      (ranks.get(`${a.sopId}:${a.stepId}`) ?? 0) - (ranks.get(`${b.sopId}:${b.stepId}`) ?? 0),
  );

  const officials = loads(officialNames, actorRows, holderRows);
  const units = loads(unitNames, unitLeftRows, unitOpenRows);
  const openedIn = new Map(openedRows.map((r) => [r.k, Number(r.n)]));
  const closedIn = new Map(closedRows.map((r) => [r.k, Number(r.n)]));
  const trend = bucketsOf(period).map((bucket) => ({
    bucket,
    opened: openedIn.get(bucket) ?? 0,
    closed: closedIn.get(bucket) ?? 0,
  }));
  return {
    period,
    unitId,
    totals: {
      opened: trend.reduce((s, p) => s + p.opened, 0),
      closed: trend.reduce((s, p) => s + p.closed, 0),
      open: units.reduce((n, u) => n + u.open, 0),
      overdue: units.reduce((n, u) => n + u.overdue, 0),
    },
    steps,
    officials,
    units,
    categories: categoryRows.map((r) => ({ key: r.k, count: Number(r.n) })),
    channels: channelRows.map((r) => ({ key: r.k, count: Number(r.n) })),
    trend,
  };
}

/** Joins handled-in-period and open-now figures by id; anyone with neither is left out. */
function loads(
  names: readonly { id: string; name: string }[],
  handled: readonly { id: string; handled: number; median: unknown }[],
  open: readonly { id: string; open: number; overdue: number }[],
): LoadFigure[] {
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  const out = new Map<string, LoadFigure>();
  for (const h of handled) {
    out.set(h.id, {
      id: h.id,
      name: nameOf.get(h.id) ?? h.id,
      open: 0,
      overdue: 0,
      handled: Number(h.handled),
      medianResponseMs: num(h.median),
    });
  }
  for (const o of open) {
    const known = out.get(o.id);
    out.set(o.id, {
      id: o.id,
      name: nameOf.get(o.id) ?? o.id,
      handled: known?.handled ?? 0,
      medianResponseMs: known?.medianResponseMs ?? null,
      open: Number(o.open),
      overdue: Number(o.overdue),
    });
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Every day or month of the period, so the trend chart shows empty ones as zero. */
function bucketsOf(period: Period): string[] {
  const out: string[] = [];
  const step = period.bucket === 'day' ? 86_400_000 : 0;
  if (step) {
    for (let t = period.from.getTime(); t < period.to.getTime(); t += step) {
      out.push(localDate(new Date(t + 12 * 3_600_000), period.zone).slice(0, 10));
    }
    return out;
  }
  const first = localDate(period.from, period.zone);
  let year = Number(first.slice(0, 4));
  let month = Number(first.slice(5, 7));
  const last = localDate(new Date(period.to.getTime() - 1), period.zone).slice(0, 7);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    out.push(key);
    if (key >= last) return out;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

function localDate(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    at,
  );
}

/** For the tests and the bench: the figures of one step, or undefined. */
export function stepFigure(report: Report, sopId: string, stepId: string): StepFigure | undefined {
  return report.steps.find((s) => s.sopId === sopId && s.stepId === stepId);
}
