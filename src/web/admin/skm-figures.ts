import { type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { queryRows } from '../../db/index.js';
import { type IkmFigure, ikmOf, UNSUR_IDS, type UnsurId, type UnsurTally } from '../../survey/index.js';
import type { Period } from './report-period.js';

/** The IKM of one SOP in one unit over the period. */
export interface SkmGroup {
  readonly sopId: string;
  readonly unitId: string;
  readonly figure: IkmFigure;
  readonly skipped: number;
}

export interface SkmReport {
  readonly period: Period;
  readonly unitId: string | null;
  readonly sopId: string | null;
  /** All answers the filters keep, together. */
  readonly total: IkmFigure;
  readonly skipped: number;
  readonly groups: readonly SkmGroup[];
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Answers given within the period, of the unit and SOP asked for (all when null). */
function where(period: Period, unitId: string | null, sopId: string | null): SQL {
  return sql`r.answered_at >= ${ts(period.from)} and r.answered_at < ${ts(period.to)}
    ${unitId ? sql`and c.unit_id = ${unitId}` : sql``} ${sopId ? sql`and c.sop_id = ${sopId}` : sql``}`;
}

/**
 * The SKM figures of a period (PermenPANRB 14/2017): per SOP and unit and for all of them, each
 * unsur's NRR, the IKM and its mutu, and how many answered or skipped. Added up in SQL by unsur;
 * no reporter is read.
 */
export async function buildSkmReport(
  db: Db,
  period: Period,
  opts: { unitId?: string | null; sopId?: string | null } = {},
): Promise<SkmReport> {
  const unitId = opts.unitId ?? null;
  const sopId = opts.sopId ?? null;
  const filter = where(period, unitId, sopId);
  const [scoreRows, countRows] = await Promise.all([
    queryRows<{ sop_id: string; unit_id: string; unsur: string; s: number; n: number }>(
      db,
      sql`select c.sop_id, c.unit_id, e.key as unsur, sum(e.value::int)::int as s, count(*)::int as n
from survey_responses r join cases c on c.id = r.case_id cross join lateral jsonb_each_text(r.scores) e
where not r.skipped and ${filter}
group by 1, 2, 3`,
    ),
    queryRows<{ sop_id: string; unit_id: string; answered: number; skipped: number }>(
      db,
      sql`select c.sop_id, c.unit_id, (count(*) filter (where not r.skipped))::int as answered,
  (count(*) filter (where r.skipped))::int as skipped
from survey_responses r join cases c on c.id = r.case_id
where ${filter}
group by 1, 2 order by 1, 2`,
    ),
  ]);
  const tallies = new Map<string, Partial<Record<UnsurId, UnsurTally>>>();
  const all: Partial<Record<UnsurId, UnsurTally>> = {};
  const add = (into: Partial<Record<UnsurId, UnsurTally>>, id: UnsurId, sum: number, count: number) => {
    const had = into[id] ?? { sum: 0, count: 0 };
    into[id] = { sum: had.sum + sum, count: had.count + count };
  };
  for (const r of scoreRows) {
    if (!(UNSUR_IDS as readonly string[]).includes(r.unsur)) continue;
    const key = `${r.sop_id}\u0000${r.unit_id}`;
    const group = tallies.get(key) ?? {};
    tallies.set(key, group);
    add(group, r.unsur as UnsurId, Number(r.s), Number(r.n));
    add(all, r.unsur as UnsurId, Number(r.s), Number(r.n));
  }
  const groups = countRows.map((r) => ({
    sopId: r.sop_id,
    unitId: r.unit_id,
    figure: ikmOf(tallies.get(`${r.sop_id}\u0000${r.unit_id}`) ?? {}, Number(r.answered)),
    skipped: Number(r.skipped),
  }));
  const respondents = groups.reduce((n, g) => n + g.figure.respondents, 0);
  return {
    period,
    unitId,
    sopId,
    total: ikmOf(all, respondents),
    skipped: groups.reduce((n, g) => n + g.skipped, 0),
    groups,
  };
}

/** Each answer of the period, anonymous and numbered: the tabulation the annual SKM report attaches. */
export async function skmAnswers(
  db: Db,
  period: Period,
  opts: { unitId?: string | null; sopId?: string | null } = {},
): Promise<Array<{ sopId: string; unitId: string; day: string; scores: Record<string, number> }>> {
  const rows = await queryRows<{ sop_id: string; unit_id: string; day: string; scores: Record<string, number> }>(
    db,
    sql`select c.sop_id, c.unit_id, to_char(r.answered_at at time zone ${period.zone}, 'YYYY-MM-DD') as day, r.scores
from survey_responses r join cases c on c.id = r.case_id
where not r.skipped and ${where(period, opts.unitId ?? null, opts.sopId ?? null)}
order by r.answered_at, r.case_id`,
  );
  return rows.map((r) => ({ sopId: r.sop_id, unitId: r.unit_id, day: r.day, scores: r.scores }));
}

/**
 * The period's survey comments, oldest first: the day, SOP and unit only, apart from the scores and
 * with no reporter or ticket, so the unit reads what people suggested without knowing who wrote it.
 */
export async function skmComments(
  db: Db,
  period: Period,
  opts: { unitId?: string | null; sopId?: string | null } = {},
): Promise<Array<{ sopId: string; unitId: string; day: string; comment: string }>> {
  const rows = await queryRows<{ sop_id: string; unit_id: string; day: string; comment: string }>(
    db,
    sql`select c.sop_id, c.unit_id, to_char(r.answered_at at time zone ${period.zone}, 'YYYY-MM-DD') as day, r.comment
from survey_responses r join cases c on c.id = r.case_id
where r.comment is not null and ${where(period, opts.unitId ?? null, opts.sopId ?? null)}
order by r.answered_at, r.case_id`,
  );
  return rows.map((r) => ({ sopId: r.sop_id, unitId: r.unit_id, day: r.day, comment: r.comment }));
}
