import { type SQL, sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { SopRegistry } from '../../cases/index.js';
import type { Tx } from '../../db/index.js';
import { dateOf, queryRows } from '../../db/index.js';
import type { Language } from '../../i18n/index.js';
import { identityPatterns, pseudonymOf, scrubText } from '../../privacy/index.js';

/** Rows a page may hold; the default is what fits a laptop screen with the filters above. */
export const PAGE_SIZES = [25, 50, 100] as const;
export const SORTS = ['opened', 'due', 'closed', 'ticket'] as const;
export type TrackingSort = (typeof SORTS)[number];

const blank = (v: unknown) => (v === '' ? undefined : v);
const optional = (schema: z.ZodType<string>) => z.preprocess(blank, schema.optional()).catch(undefined);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * The table's query string. A value that does not parse is dropped rather than refused: a link
 * with an old or mistyped filter still opens the table.
 */
export const trackingFilterSchema = z.object({
  /** A ticket number (exact), or words searched in the ticket, subject and body. */
  q: optional(z.string().trim().max(100)),
  sop: optional(z.string().max(80)),
  /** open, closed, or `step:<sopId>:<stepId>` for cases now at that step. */
  status: optional(z.string().max(120)),
  unit: optional(z.string().max(80)),
  /** The official holding the current step. */
  owner: optional(z.string().max(80)),
  overdue: z.preprocess(blank, z.enum(['1']).optional()).catch(undefined),
  /** `today`: open cases whose current step falls due today, in the console's zone (the dashboard links here). */
  due: z.preprocess(blank, z.enum(['today']).optional()).catch(undefined),
  /** Open cases whose current step waits on the reporter ("menunggu pelapor"): its clock stands still. */
  waiting: z.preprocess(blank, z.enum(['1']).optional()).catch(undefined),
  /** Open cases whose current step nobody holds ("tanpa pemegang"): no official has its role. */
  unheld: z.preprocess(blank, z.enum(['1']).optional()).catch(undefined),
  /** Filing date range, inclusive, read in the console's zone. */
  from: optional(isoDate),
  to: optional(isoDate),
  sort: z.enum(SORTS).catch('opened'),
  dir: z.enum(['asc', 'desc']).catch('desc'),
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  size: z.coerce
    .number()
    .refine((n) => (PAGE_SIZES as readonly number[]).includes(n))
    .catch(50),
});

export type TrackingFilters = z.output<typeof trackingFilterSchema>;

export function parseFilters(query: unknown): TrackingFilters {
  return trackingFilterSchema.parse(query ?? {});
}

/** One case as the tracking table shows it (the columns of seed 004, plus owner and due time). */
export interface TrackingRow {
  readonly id: string;
  readonly ticket: string;
  readonly sopId: string;
  readonly sopVersion: number;
  readonly unitId: string;
  readonly category: string | null;
  readonly subject: string | null;
  /** The first 300 characters of the body. */
  readonly body: string | null;
  readonly channel: string | null;
  readonly status: 'open' | 'closed';
  readonly outcome: string | null;
  readonly rahasia: boolean;
  readonly openedAt: Date;
  readonly closedAt: Date | null;
  readonly stepId: string | null;
  readonly enteredAt: Date | null;
  readonly dueAt: Date | null;
  /** The open step waits on the reporter: its clock stopped ("menunggu pelapor"). */
  readonly waiting: boolean;
  readonly ownerId: string | null;
  readonly ownerName: string | null;
  /** Times the case was returned for rework (Revisi), and the last time (Tgl. Revisi). */
  readonly revisions: number;
  readonly lastRevisionAt: Date | null;
  /** The case's own fields its SOP declares (e.g. seed 004's No. dokumen). */
  readonly fields: Readonly<Record<string, string>>;
}

interface SortSpec {
  readonly expr: SQL;
  /** The sort key's type, to read a keyset cursor back. */
  readonly type: 'timestamptz' | 'text';
  readonly needsStep: boolean;
}

/** Open cases have no closing date and closed ones no due time: they sort after the rest either way. */
function sortOf(sort: TrackingSort, dir: 'asc' | 'desc'): SortSpec {
  const last = sql.raw(dir === 'asc' ? "'infinity'::timestamptz" : "'-infinity'::timestamptz");
  switch (sort) {
    case 'opened':
      return { expr: sql`c.opened_at`, type: 'timestamptz', needsStep: false };
    case 'closed':
      return { expr: sql`coalesce(c.closed_at, ${last})`, type: 'timestamptz', needsStep: false };
    case 'due':
      return { expr: sql`coalesce(s.due_at, ${last})`, type: 'timestamptz', needsStep: true };
    case 'ticket':
      return { expr: sql`c.ticket`, type: 'text', needsStep: false };
  }
}

const TICKET = /^[A-Z]{2,6}-\d{4}-\d{1,9}$/i;

/** `%` and `_` typed by a person are literal characters, not wildcards. */
const likeOf = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The WHERE clause for the filters; `needsStep` when it reads the current step (alias s). */
function whereOf(f: TrackingFilters, now: Date, zone: string): { where: SQL; needsStep: boolean } {
  const parts: SQL[] = [];
  let needsStep = false;
  if (f.q) {
    if (TICKET.test(f.q)) parts.push(sql`c.ticket = ${f.q.toUpperCase()}`);
    else {
      const like = likeOf(f.q);
      parts.push(sql`(c.ticket ilike ${like} or c.subject ilike ${like} or c.body ilike ${like})`);
    }
  }
  if (f.sop) parts.push(sql`c.sop_id = ${f.sop}`);
  if (f.unit) parts.push(sql`c.unit_id = ${f.unit}`);
  if (f.status === 'open' || f.status === 'closed') parts.push(sql`c.status = ${f.status}`);
  else if (f.status?.startsWith('step:')) {
    const [, sopId = '', stepId = ''] = f.status.split(':');
    parts.push(sql`c.status = 'open' and c.sop_id = ${sopId} and s.step_id = ${stepId}`);
    needsStep = true;
  }
  if (f.owner) {
    // A case's only step not yet left is its open one: found from the holder's side through the
    // partial index on open steps (step_instances_assignee_open), not by joining every open case.
    parts.push(
      sql`c.status = 'open' and c.id in (select si.case_id from step_instances si where si.assignee_id = ${f.owner} and si.left_at is null)`,
    );
  }
  if (f.overdue) {
    // A step waiting on the reporter has its clock stopped: not overdue while it waits.
    parts.push(sql`c.status = 'open' and s.due_at < ${now.toISOString()}::timestamptz and s.paused_at is null`);
    needsStep = true;
  }
  if (f.due === 'today') {
    const { start, end } = dayAround(now, zone);
    // A step waiting on the reporter is due when they answer, not at the time it shows.
    parts.push(
      sql`c.status = 'open' and s.due_at >= ${start}::timestamptz and s.due_at < ${end}::timestamptz and s.paused_at is null`,
    );
    needsStep = true;
  }
  if (f.waiting) {
    parts.push(sql`c.status = 'open' and s.paused_at is not null`);
    needsStep = true;
  }
  if (f.unheld) {
    parts.push(sql`c.status = 'open' and s.id is not null and s.assignee_id is null`);
    needsStep = true;
  }
  if (f.from) {
    const from = DateTime.fromISO(f.from, { zone }).startOf('day');
    if (from.isValid) parts.push(sql`c.opened_at >= ${from.toUTC().toISO()}::timestamptz`);
  }
  if (f.to) {
    const to = DateTime.fromISO(f.to, { zone }).startOf('day').plus({ days: 1 });
    if (to.isValid) parts.push(sql`c.opened_at < ${to.toUTC().toISO()}::timestamptz`);
  }
  return { where: parts.length > 0 ? sql.join(parts, sql` and `) : sql`true`, needsStep };
}

/** The local day holding `now` in `zone`, as ISO instants: [start, end). */
export function dayAround(now: Date, zone: string): { start: string; end: string } {
  const start = DateTime.fromJSDate(now, { zone }).startOf('day');
  return { start: start.toUTC().toISO() ?? '', end: start.plus({ days: 1 }).toUTC().toISO() ?? '' };
}

/**
 * A case's open step. The engine sets open_instance_id to the step it opens and clears or moves it
 * in the transition that leaves that step, so the step it names is never left: saying so lets the
 * filters read the open steps' partial index (step_instances_open_due) instead of the whole table.
 */
const stepJoin = sql`left join step_instances s on s.id = c.open_instance_id and s.left_at is null`;

/**
 * The query picking a page's (or a batch's) ids and sort keys. Sorted by filing date with no status
 * filter, it is two branches, open and closed, each read in order from the (status, opened_at)
 * index and merged: the first page of 100,000 cases reads 50 index entries, not the whole table.
 */
function pickedOf(
  f: TrackingFilters,
  where: SQL,
  join: SQL,
  sort: SortSpec,
  page: { limit: number; offset: number; after: { k: string; id: string } | null },
): SQL {
  const order = sql.raw(f.dir);
  const past = (expr: SQL) => {
    if (!page.after) return sql``;
    const cmp = sql.raw(f.dir === 'asc' ? '>' : '<');
    const cmpOrEqual = sql.raw(f.dir === 'asc' ? '>=' : '<=');
    const k = sql`${page.after.k}::${sql.raw(sort.type)}`;
    // The first comparison alone lets the index bound the scan; the row comparison breaks ties.
    return sql`and ${expr} ${cmpOrEqual} ${k} and (${expr}, c.id) ${cmp} (${k}, ${page.after.id})`;
  };
  const byStatus =
    f.sort === 'opened' && f.status !== 'open' && f.status !== 'closed' && !f.status?.startsWith('step:');
  if (byStatus) {
    const branch = (status: 'open' | 'closed') =>
      sql`(select c.id, c.opened_at as k from cases c ${join} where c.status = ${status} and ${where} ${past(sql`c.opened_at`)}
order by c.opened_at ${order}, c.id ${order} limit ${page.limit + page.offset})`;
    return sql`select id, k from (${branch('open')} union all ${branch('closed')}) u
order by k ${order}, id ${order} limit ${page.limit} offset ${page.offset}`;
  }
  return sql`select c.id, ${sort.expr} as k from cases c ${join} where ${where} ${past(sort.expr)}
order by k ${order}, c.id ${order} limit ${page.limit} offset ${page.offset}`;
}

interface RawRow {
  id: string;
  ticket: string;
  sop_id: string;
  sop_version: number;
  unit_id: string;
  category: string | null;
  subject: string | null;
  body: string | null;
  channel: string | null;
  status: 'open' | 'closed';
  outcome: string | null;
  rahasia: boolean;
  opened_at: unknown;
  closed_at: unknown;
  step_id: string | null;
  entered_at: unknown;
  due_at: unknown;
  waiting: boolean | null;
  owner_id: string | null;
  owner_name: string | null;
  revisions: number;
  last_revision_at: unknown;
  fields: Record<string, string> | null;
  sort_key: string;
  /** A rahasia reporter's fields, read only to take them out of the texts shown. */
  hidden_name: string | null;
  hidden_email: string | null;
  hidden_phone: string | null;
}

/**
 * The columns of the rows picked by `picked` (a query yielding `id` and `k`, the sort key). The
 * owner, the revision count and the rest are looked up for those rows only, never for the whole
 * table: a page costs the same on 100 cases as on 100,000.
 */
function detailsOf(picked: SQL, dir: 'asc' | 'desc'): SQL {
  const order = sql.raw(dir);
  return sql`with picked as (${picked})
select c.id, c.ticket, c.sop_id, c.sop_version, c.unit_id, c.category, c.subject, left(c.body, 300) as body,
  c.channel, c.status, c.outcome, c.rahasia, c.opened_at, c.closed_at, c.fields,
  s.step_id, s.entered_at, s.due_at, s.paused_at is not null as waiting, s.assignee_id as owner_id, o.name as owner_name,
  r.revisions, r.last_revision_at, p.k::text as sort_key,
  st.name as hidden_name, st.email as hidden_email, st.phone as hidden_phone
from picked p
join cases c on c.id = p.id
left join stakeholders st on c.rahasia and st.id = c.stakeholder_id
left join step_instances s on s.id = c.open_instance_id
left join officials o on o.id = s.assignee_id
left join lateral (
  select count(*)::int as revisions, max(e.at) as last_revision_at
  from case_events e where e.case_id = c.id and e.kind = 'returned'
) r on true
order by p.k ${order}, p.id ${order}`;
}

function rowOf(r: RawRow): TrackingRow {
  // A rahasia report's texts lose the reporter's name, email and phone here, for every viewer.
  const patterns = r.rahasia
    ? identityPatterns({ name: r.hidden_name, email: r.hidden_email, phone: r.hidden_phone })
    : [];
  const alias = r.rahasia ? pseudonymOf(r.id) : '';
  const shown = (text: string | null) => (patterns.length > 0 ? scrubText(text, patterns, alias) : text);
  return {
    id: r.id,
    ticket: r.ticket,
    sopId: r.sop_id,
    sopVersion: Number(r.sop_version),
    unitId: r.unit_id,
    category: r.category,
    subject: shown(r.subject),
    body: shown(r.body),
    channel: r.channel,
    status: r.status,
    outcome: r.outcome,
    rahasia: r.rahasia,
    openedAt: dateOf(r.opened_at) as Date,
    closedAt: dateOf(r.closed_at),
    stepId: r.step_id,
    enteredAt: dateOf(r.entered_at),
    dueAt: dateOf(r.due_at),
    waiting: r.waiting === true,
    ownerId: r.owner_id,
    ownerName: r.owner_name,
    revisions: Number(r.revisions ?? 0),
    lastRevisionAt: dateOf(r.last_revision_at),
    fields: r.fields ?? {},
  };
}

export interface TrackingPage {
  readonly rows: readonly TrackingRow[];
  readonly total: number;
  readonly page: number;
  readonly pages: number;
}

/** One page of the table and the number of cases the filters match. */
export async function trackingPage(db: Tx, f: TrackingFilters, now: Date, zone: string): Promise<TrackingPage> {
  const { where, needsStep } = whereOf(f, now, zone);
  const sort = sortOf(f.sort, f.dir);
  const join = needsStep || sort.needsStep ? stepJoin : sql``;
  // The count and the page are independent: asked together, on two connections of the pool.
  const pageOf = (n: number) =>
    queryRows<RawRow>(
      db,
      detailsOf(pickedOf(f, where, join, sort, { limit: f.size, offset: (n - 1) * f.size, after: null }), f.dir),
    );
  const [[counted], asked] = await Promise.all([
    queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from cases c ${needsStep ? stepJoin : sql``} where ${where}`,
    ),
    pageOf(f.page),
  ]);
  const total = Number(counted?.n ?? 0);
  const pages = Math.max(1, Math.ceil(total / f.size));
  const page = Math.min(f.page, pages);
  // A page past the end (an old link, a filter that now matches fewer) shows the last one instead.
  const rows = page === f.page ? asked : await pageOf(page);
  return { rows: rows.map(rowOf), total, page, pages };
}

/**
 * Every case the filters match, in the table's order, a batch at a time: each batch continues
 * after the last row of the one before (keyset), so memory stays flat and no batch rescans the
 * rows already sent, however many cases there are. Works alike on node-postgres and PGlite.
 */
export async function* trackingRows(
  db: Tx,
  f: TrackingFilters,
  now: Date,
  zone: string,
  batch = 1000,
): AsyncGenerator<TrackingRow> {
  const { where, needsStep } = whereOf(f, now, zone);
  const sort = sortOf(f.sort, f.dir);
  const join = needsStep || sort.needsStep ? stepJoin : sql``;
  let cursor: { k: string; id: string } | null = null;
  for (;;) {
    const picked = pickedOf(f, where, join, sort, { limit: batch, offset: 0, after: cursor });
    const rows = await queryRows<RawRow>(db, detailsOf(picked, f.dir));
    for (const r of rows) yield rowOf(r);
    const last = rows.at(-1);
    if (!last || rows.length < batch) return;
    cursor = { k: last.sort_key, id: last.id };
  }
}

/** The current stage in plain words (the SOP step's status text), or that the case is done. */
export async function statusWords(
  sops: SopRegistry,
  row: Pick<TrackingRow, 'sopId' | 'sopVersion' | 'stepId' | 'status' | 'outcome'> & { waiting?: boolean },
  language: Language,
): Promise<string> {
  if (row.status === 'closed') {
    const done = language === 'en' ? 'Completed' : 'Selesai';
    return row.outcome ? `${done} (${row.outcome})` : done;
  }
  if (!row.stepId) return '–';
  const sop = await sops.get(row.sopId, row.sopVersion);
  const step = sop?.steps.find((s) => s.id === row.stepId);
  if (!step) return row.stepId;
  const stage = (language === 'en' ? step.status.en : undefined) ?? step.status.id;
  if (!row.waiting) return stage;
  return `${stage} — ${language === 'en' ? 'waiting on the reporter' : 'menunggu pelapor'}`;
}

/** Open and past its due time, its clock running (not waiting on the reporter). */
export function isOverdue(row: Pick<TrackingRow, 'status' | 'dueAt'> & { waiting?: boolean }, now: Date): boolean {
  return row.status === 'open' && !row.waiting && row.dueAt !== null && row.dueAt < now;
}

/** What the Uraian column shows: the subject, else the start of the body. */
export function uraianOf(row: Pick<TrackingRow, 'subject' | 'body'>, max = 120): string {
  const text = (row.subject?.trim() || row.body?.trim() || '').replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
