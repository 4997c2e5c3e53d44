import { type SQL, sql } from 'drizzle-orm';
import type { SopRegistry, UnitCalendars } from '../../cases/index.js';
import type { Db } from '../../db/index.js';
import { dateOf, queryRows } from '../../db/index.js';
import type { Period } from './report-period.js';

/** Seed 003 step 8, per SOP step: how often it was done, how long it took in working time, and how often in time. */
export interface StepFigure {
  readonly sopId: string;
  /** The SOP's title, for labels people read. */
  readonly sopName: string;
  readonly stepId: string;
  readonly kegiatan: string;
  /** The step's mutu-baku time, as the SOP writes it ("3 hari kerja"). */
  readonly waktu: string;
  /** SIPUT chose the waktu (the SOP left it blank or gave only the effort), not the SOP itself. */
  readonly waktuDefault: boolean;
  /** Visits that waited on the reporter, and the working time they waited (left out of the times above). */
  readonly waited: number;
  readonly waitedMs: number;
  /** Visits left within the period. */
  readonly count: number;
  readonly medianMs: number | null;
  readonly p90Ms: number | null;
  /** Share of the visits left by their due time (computed from the waktu on the unit's calendar), 0–100. */
  readonly onTimePct: number | null;
  /** Closed cases the reporter reopened at this step within the period ("Belum"). */
  readonly reopened: number;
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
  readonly totals: {
    opened: number;
    closed: number;
    open: number;
    overdue: number;
    /** The reporters' answers after closing within the period: reopened ("Belum"), confirmed ("Sudah"). */
    reopened: number;
    confirmed: number;
  };
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
  // Once a period has no step left without its working time, it never has again: steps are left
  // through the engine, which records it. Checking costs a scan of the period, so it is done once.
  const key = `${from.toISOString()}/${to.toISOString()}`;
  const done = complete.get(deps) ?? new Set<string>();
  complete.set(deps, done);
  if (done.has(key)) return 0;
  let filled = 0;
  while (filled < FILL_MAX) {
    const rows = await queryRows<{
      id: string;
      unit_id: string;
      entered_at: unknown;
      left_at: unknown;
      paused_at: unknown;
      paused_ms: unknown;
    }>(
      deps.db,
      sql`select s.id, c.unit_id, s.entered_at, s.left_at, s.paused_at, s.paused_ms from step_instances s join cases c on c.id = s.case_id
where s.left_at >= ${ts(from)} and s.left_at < ${ts(to)} and s.working_ms is null limit ${FILL_BATCH}`,
    );
    if (rows.length === 0) break;
    const values: SQL[] = [];
    for (const r of rows) {
      const calendar = await deps.calendars.for(r.unit_id);
      const left = dateOf(r.left_at) as Date;
      // The waits on the reporter are not the step's working time: those ended, and one it closed in.
      const pausedAt = dateOf(r.paused_at);
      const waited = Number(r.paused_ms ?? 0) + (pausedAt ? calendar.workingMsBetween(pausedAt, left) : 0);
      const ms = Math.max(0, calendar.workingMsBetween(dateOf(r.entered_at) as Date, left) - waited);
      values.push(sql`(${r.id}, ${ms}::bigint)`);
    }
    await deps.db.execute(
      sql`update step_instances s set working_ms = v.ms from (values ${sql.join(values, sql`, `)}) as v(id, ms) where s.id = v.id`,
    );
    filled += rows.length;
    if (rows.length < FILL_BATCH) break;
  }
  if (filled < FILL_MAX && to.getTime() <= Date.now()) done.add(key);
  return filled;
}

/** Periods (already over) found complete, per report service (one per web process). */
const complete = new WeakMap<ReportDeps, Set<string>>();

/**
 * Working time in histogram buckets that widen as durations grow: a minute each below two hours,
 * ten minutes below a day, an hour beyond. Grouping by bucket is a hash aggregate Postgres runs in
 * parallel; sorting a year's million step visits for percentile_cont is what it cannot do fast.
 * The statistics step_instances_working_bucket (migration 0021) are on this very expression: they
 * tell the planner there are a few hundred buckets, not one per row, so it does aggregate in parallel.
 */
export const BUCKET = sql`case when s.working_ms < 7200000 then s.working_ms / 60000
  when s.working_ms < 86400000 then 120 + (s.working_ms - 7200000) / 600000
  else 252 + (s.working_ms - 86400000) / 3600000 end`;

/** Values of one bucket: how many, and their mean (the value the percentile uses for each of them). */
interface Bucket {
  readonly bucket: number;
  readonly count: number;
  readonly mean: number;
}

/**
 * percentile_cont over a histogram: the value at rank p·(n−1), interpolated between the two values
 * around it, each value read as its bucket's mean. Exact when a bucket's values are equal; otherwise
 * off by less than the bucket's width (1 min, 10 min or 1 h), far below what a report shows.
 */
export function percentileOf(buckets: readonly Bucket[], p: number): number | null {
  const sorted = [...buckets].filter((b) => b.count > 0).sort((a, b) => a.bucket - b.bucket);
  const n = sorted.reduce((sum, b) => sum + b.count, 0);
  if (n === 0) return null;
  const rank = p * (n - 1);
  const valueAt = (index: number): number => {
    let seen = 0;
    for (const b of sorted) {
      seen += b.count;
      if (index < seen) return b.mean;
    }
    return sorted.at(-1)?.mean ?? 0;
  };
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lower = valueAt(low);
  return lower + (valueAt(high) - lower) * (rank - low);
}

/** Adds a bucket's rows to a keyed histogram. */
function collect(
  into: Map<string, Map<number, { count: number; total: number }>>,
  key: string,
  bucket: number,
  count: number,
  total: number,
) {
  let histogram = into.get(key);
  if (!histogram) {
    histogram = new Map();
    into.set(key, histogram);
  }
  const cell = histogram.get(bucket) ?? { count: 0, total: 0 };
  cell.count += count;
  cell.total += total;
  histogram.set(bucket, cell);
}

function bucketsOfHistogram(histogram: Map<number, { count: number; total: number }> | undefined): Bucket[] {
  return [...(histogram ?? new Map<number, { count: number; total: number }>())].map(([bucket, cell]) => ({
    bucket,
    count: cell.count,
    mean: cell.count > 0 ? cell.total / cell.count : 0,
  }));
}

/**
 * Every figure of a report. The period's step visits are read twice, aggregated in SQL into small
 * histograms (by SOP step and unit; by official), alongside the open-now and volume queries, all
 * at once on the pool; medians and p90 are read off the histograms. Nothing is read row by row.
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

  const [stepRows, actorRows, holderRows, unitOpenRows, categoryRows, channelRows, openedRows, closedRows] =
    await Promise.all([
      queryRows<{
        sop_id: string;
        step_id: string;
        unit_id: string;
        b: number;
        n: number;
        total: unknown;
        on_time: number;
        waited: number;
        waited_ms: unknown;
      }>(
        db,
        sql`select c.sop_id, s.step_id, c.unit_id, ${BUCKET} as b, count(*)::int as n,
  sum(s.working_ms)::float8 as total, (count(*) filter (where coalesce(s.paused_at, s.left_at) <= s.due_at))::int as on_time,
  (count(*) filter (where s.clock_epoch > 0))::int as waited, sum(s.paused_ms)::float8 as waited_ms
from step_instances s join cases c on c.id = s.case_id
where ${left} and s.working_ms is not null ${unitOf}
group by 1, 2, 3, 4`,
      ),
      queryRows<{ id: string; b: number; n: number; total: unknown }>(
        db,
        unitId
          ? sql`select s.actor_id as id, ${BUCKET} as b, count(*)::int as n, sum(s.working_ms)::float8 as total
from step_instances s join cases c on c.id = s.case_id
where ${left} and s.actor_id is not null and s.working_ms is not null ${unitOf}
group by 1, 2`
          : sql`select s.actor_id as id, ${BUCKET} as b, count(*)::int as n, sum(s.working_ms)::float8 as total
from step_instances s
where ${left} and s.actor_id is not null and s.working_ms is not null
group by 1, 2`,
      ),
      queryRows<{ id: string; open: number; overdue: number }>(
        db,
        unitId
          ? sql`select s.assignee_id as id, count(*)::int as open,
  (count(*) filter (where s.due_at < ${ts(now)} and s.paused_at is null))::int as overdue
from step_instances s join cases c on c.id = s.case_id
where s.left_at is null and s.assignee_id is not null ${unitOf}
group by s.assignee_id`
          : sql`select s.assignee_id as id, count(*)::int as open,
  (count(*) filter (where s.due_at < ${ts(now)} and s.paused_at is null))::int as overdue
from step_instances s
where s.left_at is null and s.assignee_id is not null
group by s.assignee_id`,
      ),
      queryRows<{ id: string; open: number; overdue: number }>(
        db,
        sql`select c.unit_id as id, count(*)::int as open,
  (count(*) filter (where s.due_at < ${ts(now)} and s.paused_at is null))::int as overdue
from cases c join step_instances s on s.id = c.open_instance_id and s.left_at is null
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

  // Histograms by step and by unit from the one query, by official from the other.
  const byStep = new Map<string, Map<number, { count: number; total: number }>>();
  const byUnit = new Map<string, Map<number, { count: number; total: number }>>();
  const byActor = new Map<string, Map<number, { count: number; total: number }>>();
  const onTime = new Map<string, number>();
  const waited = new Map<string, { count: number; ms: number }>();
  for (const r of stepRows) {
    const key = `${r.sop_id}\u0000${r.step_id}`;
    const w = waited.get(key) ?? { count: 0, ms: 0 };
    waited.set(key, { count: w.count + Number(r.waited), ms: w.ms + Number(r.waited_ms ?? 0) });
    collect(byStep, key, Number(r.b), Number(r.n), Number(r.total));
    collect(byUnit, r.unit_id, Number(r.b), Number(r.n), Number(r.total));
    onTime.set(key, (onTime.get(key) ?? 0) + Number(r.on_time));
  }
  for (const r of actorRows) collect(byActor, r.id, Number(r.b), Number(r.n), Number(r.total));
  // A visit closed while it still waited ("tidak dilengkapi") has its last wait in no column: it
  // ended with the visit. Such visits are few; their wait is measured on their unit's calendar.
  const closedWaiting = await queryRows<{
    sop_id: string;
    step_id: string;
    unit_id: string;
    paused_at: unknown;
    left_at: unknown;
  }>(
    db,
    sql`select c.sop_id, s.step_id, c.unit_id, s.paused_at, s.left_at from step_instances s join cases c on c.id = s.case_id
where ${left} and s.paused_at is not null and s.working_ms is not null ${unitOf}`,
  );
  for (const r of closedWaiting) {
    const key = `${r.sop_id}\u0000${r.step_id}`;
    const calendar = await deps.calendars.for(r.unit_id);
    const w = waited.get(key) ?? { count: 0, ms: 0 };
    const ms = calendar.workingMsBetween(dateOf(r.paused_at) as Date, dateOf(r.left_at) as Date);
    waited.set(key, { count: w.count, ms: w.ms + ms });
  }

  // The reporters' answers after closing: reopenings by the step the case went back to.
  const answerRows = await queryRows<{ sop_id: string; step_id: string | null; kind: string; n: number }>(
    db,
    sql`select c.sop_id, e.step_id, e.kind, count(*)::int as n from case_events e join cases c on c.id = e.case_id
where e.kind in ('reopened', 'confirmed') and e.at >= ${ts(period.from)} and e.at < ${ts(period.to)} ${unitOf}
group by 1, 2, 3`,
  );
  const reopenedAt = new Map<string, number>();
  for (const r of answerRows) {
    if (r.kind !== 'reopened' || !r.step_id) continue;
    const key = `${r.sop_id}\u0000${r.step_id}`;
    reopenedAt.set(key, (reopenedAt.get(key) ?? 0) + Number(r.n));
    // A step reopened into but not left within the period still gets its row.
    if (!byStep.has(key)) byStep.set(key, new Map());
  }
  const answered = (kind: string) => answerRows.filter((r) => r.kind === kind).reduce((n, r) => n + Number(r.n), 0);

  const steps: StepFigure[] = [];
  const ranks = new Map<string, number>();
  for (const [key, histogram] of byStep) {
    const [sopId = '', stepId = ''] = key.split('\u0000');
    const sop = await deps.sops.active(sopId);
    const index = sop?.steps.findIndex((s) => s.id === stepId) ?? -1;
    const def = index >= 0 ? sop?.steps[index] : undefined;
    ranks.set(key, index);
    const buckets = bucketsOfHistogram(histogram);
    const count = buckets.reduce((sum, b) => sum + b.count, 0);
    steps.push({
      sopId,
      sopName: sop?.title ?? sopId,
      stepId,
      kegiatan: def?.kegiatan ?? '',
      waktu: def?.waktu.text ?? '',
      waktuDefault: def?.waktuDefault ?? false,
      waited: waited.get(key)?.count ?? 0,
      waitedMs: waited.get(key)?.ms ?? 0,
      count,
      medianMs: percentileOf(buckets, 0.5),
      p90Ms: percentileOf(buckets, 0.9),
      onTimePct: count > 0 ? Math.round(((onTime.get(key) ?? 0) / count) * 1000) / 10 : null,
      reopened: reopenedAt.get(key) ?? 0,
    });
  }
  steps.sort(
    (a, b) =>
      a.sopId.localeCompare(b.sopId) ||
      (ranks.get(`${a.sopId}\u0000${a.stepId}`) ?? 0) - (ranks.get(`${b.sopId}\u0000${b.stepId}`) ?? 0),
  );

  const handledOf = (histograms: Map<string, Map<number, { count: number; total: number }>>) =>
    [...histograms].map(([id, histogram]) => {
      const buckets = bucketsOfHistogram(histogram);
      return { id, handled: buckets.reduce((sum, b) => sum + b.count, 0), median: percentileOf(buckets, 0.5) };
    });
  const officials = loads(officialNames, handledOf(byActor), holderRows);
  const units = loads(unitNames, handledOf(byUnit), unitOpenRows);
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
      reopened: answered('reopened'),
      confirmed: answered('confirmed'),
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
