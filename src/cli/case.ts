import { parseArgs } from 'node:util';
import { asc, eq, inArray } from 'drizzle-orm';
import { SopRegistry } from '../cases/index.js';
import type { Db } from '../db/index.js';
import { caseEvents, cases, officials, stepInstances, units } from '../db/index.js';
import { openCommand } from './case-open.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { formatTime, table } from './format.js';

export async function caseCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'show') return show(ctx, rest);
  if (sub === 'open') return openCommand(ctx, rest);
  throw new CliError(`unknown command "case ${sub ?? ''}": use "case show TICKET" or "case open --sop ID ..."`);
}

/** The timeline of one case: its step visits, then its audit trail, in the unit's time zone. */
async function show(ctx: CliContext, args: readonly string[]): Promise<number> {
  const { positionals } = parseArgs({ args: [...args], options: {}, allowPositionals: true });
  const [ticket, extra] = positionals;
  if (!ticket || extra) throw new CliError('usage: case show TICKET');
  const text = await ctx.withDatabase(({ db }) => render(db, ticket.toUpperCase(), ctx.config.TZ_DEFAULT));
  ctx.out(text);
  return 0;
}

async function render(db: Db, ticket: string, defaultZone: string): Promise<string> {
  const [kase] = await db.select().from(cases).where(eq(cases.ticket, ticket));
  if (!kase) throw new CliError(`no case with ticket ${ticket}`);
  const [unit] = await db.select().from(units).where(eq(units.id, kase.unitId));
  const zone = unit?.timeZone ?? defaultZone;
  // The version the case is pinned to, which may be older than the file in SOPS_DIR.
  const sop = await new SopRegistry(db).get(kase.sopId, kase.sopVersion);
  const steps = await db
    .select()
    .from(stepInstances)
    .where(eq(stepInstances.caseId, kase.id))
    .orderBy(asc(stepInstances.seq));
  const events = await db.select().from(caseEvents).where(eq(caseEvents.caseId, kase.id)).orderBy(asc(caseEvents.id));

  const ids = new Set<string>();
  for (const s of steps) if (s.assigneeId) ids.add(s.assigneeId);
  for (const e of events) for (const id of [e.actor, e.target]) if (id) ids.add(id);
  const people = ids.size
    ? await db
        .select({ id: officials.id, name: officials.name })
        .from(officials)
        .where(inArray(officials.id, [...ids]))
    : [];
  // Audit actors are official ids, or words such as "system" and "stakeholder" that stay as they are.
  const nameOf = (id: string | null) => (id ? (people.find((p) => p.id === id)?.name ?? id) : '');
  const time = (at: Date | null) => formatTime(at, zone);
  const now = new Date();

  return [
    `Case ${kase.ticket}: ${kase.sopId}@${kase.sopVersion}${sop ? ` ${sop.title}` : ''}`,
    `Unit ${kase.unitId}${unit ? ` (${unit.name})` : ''}; ${kase.status}${kase.outcome ? `, ${kase.outcome}` : ''}`,
    `Opened ${time(kase.openedAt)}${kase.closedAt ? `; closed ${time(kase.closedAt)}` : ''}`,
    '',
    'Steps',
    table(
      ['#', 'STEP', 'ASSIGNEE', 'ENTERED', 'DUE', 'LEFT', 'OUTCOME', 'LATE', 'KEGIATAN'],
      steps.map((s) => [
        String(s.seq),
        s.stepId,
        s.assigneeId ? nameOf(s.assigneeId) : '(nobody holds the role)',
        time(s.enteredAt),
        time(s.dueAt),
        time(s.leftAt),
        s.outcome ?? '',
        (s.leftAt ?? now) > s.dueAt ? 'LATE' : '',
        sop?.steps.find((step) => step.id === s.stepId)?.kegiatan ?? '',
      ]),
    ),
    '',
    'Audit',
    table(
      ['TIME', 'KIND', 'STEP', 'ACTOR', 'ACTION', 'TO', 'NOTE'],
      events.map((e) => [
        time(e.at),
        e.kind,
        e.stepId ?? '',
        nameOf(e.actor),
        e.action ?? '',
        nameOf(e.target),
        e.note ?? '',
      ]),
    ),
  ].join('\n');
}
