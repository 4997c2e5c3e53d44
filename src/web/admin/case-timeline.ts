import { and, asc, eq, inArray } from 'drizzle-orm';
import type { SopRegistry, UnitCalendars } from '../../cases/index.js';
import type { Db } from '../../db/index.js';
import {
  attachments,
  caseEvents,
  cases,
  messages,
  officials,
  sopDefinitions,
  stakeholders,
  stepInstances,
  units,
} from '../../db/index.js';
import type { SopDefinition, SopStep } from '../../sop/index.js';

export type CaseRow = typeof cases.$inferSelect;
export type StakeholderRow = typeof stakeholders.$inferSelect;
type EventRow = typeof caseEvents.$inferSelect;

/** One visit of the case to a step, as the case page lists it. */
export interface TimelineStep {
  readonly instanceId: string;
  readonly seq: number;
  readonly stepId: string;
  readonly kegiatan: string;
  readonly waktu: string;
  /** SIPUT chose the waktu (the SOP left it blank or gave only the effort). */
  readonly waktuDefault: boolean;
  /** The effort the SOP gives when it is not the elapsed window, e.g. "12.5 jam". */
  readonly effort: string | null;
  /** The deadline runs over a year whose holiday list is an estimate. */
  readonly estimated: boolean;
  /** Until when the step waits on the reporter (its clock stopped); null while it runs. */
  readonly waitingUntil: Date | null;
  /** Working time the visit waited on the reporter, left out of workingMs. */
  readonly waitedMs: number;
  readonly ownerId: string | null;
  readonly ownerName: string | null;
  /** The holder a Plh/Plt stood in for. */
  readonly onBehalfOfName: string | null;
  readonly enteredAt: Date;
  readonly dueAt: Date;
  readonly leftAt: Date | null;
  /** The action's label, e.g. "Teruskan ke Kabag ORTALA". */
  readonly outcome: string | null;
  readonly actorName: string | null;
  readonly note: string | null;
  /** The official chose to show the note to the reporter (a tindak lanjut). */
  readonly notePublic: boolean;
  /** The files the action carried, each with the kelengkapan it is. */
  readonly attachments: readonly { id: string; name: string; kelengkapan?: string }[];
  /** Required kelengkapan declared absent, with the note why. */
  readonly absent: readonly { kelengkapan: string; note: string }[];
  /** Left after its due time, or still open past it. */
  readonly late: boolean;
  /** Working time spent so far (to now for the open step). */
  readonly workingMs: number | null;
  /** Reminders, escalations and reassignments during this visit. */
  readonly events: readonly TimelineEvent[];
}

export interface TimelineEvent {
  readonly at: Date;
  readonly kind: string;
  readonly actor: string;
  readonly target: string | null;
  readonly note: string | null;
  readonly stepId: string | null;
}

/** What the stakeholder was told: the outbox rows addressed to them for this case. */
export interface ToldMessage {
  readonly at: Date;
  readonly sentAt: Date | null;
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
  readonly status: string;
  readonly channel: string | null;
  /** What the channel said after taking it (WhatsApp: server, delivered, read, error). */
  readonly delivery: string | null;
  readonly errorCode: string | null;
  /** The official it went to, for the notices to officials. */
  readonly recipientName: string | null;
}

export interface CaseTimeline {
  readonly row: CaseRow;
  readonly sop: SopDefinition | undefined;
  readonly sopTitle: string;
  readonly unitName: string;
  readonly unitZone: string;
  readonly stakeholder: StakeholderRow | null;
  readonly steps: readonly TimelineStep[];
  /** Every audit event of the engine, oldest first. */
  readonly events: readonly TimelineEvent[];
  readonly told: readonly ToldMessage[];
  /** Step notices, reminders and escalations sent to officials for this case. */
  readonly notices: readonly ToldMessage[];
  /** Files the stakeholder or officials attached to the case. */
  readonly files: readonly { id: string; name: string; mime: string; size: number; kelengkapan: string | null }[];
}

/** Everything the case page shows, loaded in a handful of queries whatever the case's length. */
export async function loadCaseTimeline(
  db: Db,
  sops: SopRegistry,
  calendars: UnitCalendars,
  ticket: string,
  now: Date,
): Promise<CaseTimeline | null> {
  const [row] = await db.select().from(cases).where(eq(cases.ticket, ticket));
  if (!row) return null;
  const [instances, events, told, files, [unit], [definition], [stakeholder]] = await Promise.all([
    db.select().from(stepInstances).where(eq(stepInstances.caseId, row.id)).orderBy(asc(stepInstances.seq)),
    db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id)).orderBy(asc(caseEvents.id)),
    db
      .select()
      .from(messages)
      .where(and(eq(messages.caseId, row.id), inArray(messages.recipientKind, ['stakeholder', 'official'])))
      .orderBy(asc(messages.seq)),
    db
      .select({
        id: attachments.id,
        name: attachments.name,
        mime: attachments.mime,
        size: attachments.size,
        kelengkapan: attachments.kelengkapan,
      })
      .from(attachments)
      .where(eq(attachments.caseId, row.id))
      .orderBy(asc(attachments.createdAt)),
    db.select().from(units).where(eq(units.id, row.unitId)),
    db
      .select({ title: sopDefinitions.title })
      .from(sopDefinitions)
      .where(and(eq(sopDefinitions.sopId, row.sopId), eq(sopDefinitions.version, row.sopVersion))),
    row.stakeholderId
      ? db.select().from(stakeholders).where(eq(stakeholders.id, row.stakeholderId))
      : Promise.resolve([] as StakeholderRow[]),
  ]);
  const sop = await sops.get(row.sopId, row.sopVersion);
  const calendar = await calendars.for(row.unitId);

  const officialIds = new Set<string>();
  for (const s of instances) for (const id of [s.assigneeId, s.onBehalfOf, s.actorId]) if (id) officialIds.add(id);
  for (const e of events) for (const id of [e.actor, e.target]) if (id) officialIds.add(id);
  for (const m of told) if (m.recipientKind === 'official') officialIds.add(m.recipientId);
  const names = new Map(
    officialIds.size > 0
      ? (
          await db
            .select({ id: officials.id, name: officials.name })
            .from(officials)
            .where(inArray(officials.id, [...officialIds]))
        ).map((o) => [o.id, o.name])
      : [],
  );
  const nameOf = (id: string | null) => (id ? (names.get(id) ?? id) : null);
  const eventOf = (e: EventRow): TimelineEvent => ({
    at: e.at,
    kind: e.kind,
    actor: nameOf(e.actor) ?? e.actor,
    target: nameOf(e.target),
    note: e.note,
    stepId: e.stepId,
  });

  const steps = instances.map((s): TimelineStep => {
    const def: SopStep | undefined = sop?.steps.find((d) => d.id === s.stepId);
    const action = def?.actions.find((a) => a.id === s.outcome);
    const acted = events.find((e) => e.instanceId === s.id && (e.kind === 'acted' || e.kind === 'returned'));
    const end = s.leftAt ?? now;
    // A wait on the reporter stops the clock: not late while it lasts, and not counted as work. A
    // visit closed while it waited ("tidak dilengkapi") waited until it closed.
    const waiting = s.pausedAt ? calendar.workingMsBetween(s.pausedAt, s.leftAt ?? now) : 0;
    return {
      instanceId: s.id,
      seq: s.seq,
      stepId: s.stepId,
      kegiatan: def?.kegiatan ?? '',
      waktu: def?.waktu.text ?? '',
      waktuDefault: def?.waktuDefault ?? false,
      effort: def?.effort?.text ?? null,
      estimated: calendar.estimatedBetween(s.enteredAt, s.dueAt),
      waitingUntil: s.leftAt ? null : s.pauseUntil,
      waitedMs: s.pausedMs + waiting,
      ownerId: s.assigneeId,
      ownerName: nameOf(s.assigneeId),
      onBehalfOfName: nameOf(s.onBehalfOf),
      enteredAt: s.enteredAt,
      dueAt: s.dueAt,
      leftAt: s.leftAt,
      outcome: action?.label.id ?? s.outcome,
      actorName: nameOf(s.actorId),
      note: s.note,
      notePublic: s.notePublic,
      attachments: acted?.attachments ?? [],
      absent: acted?.absent ?? [],
      // As the reports count it: a visit's clock stopped when it began to wait, closed or not.
      late: (s.pausedAt ?? s.leftAt ?? now) > s.dueAt,
      workingMs: s.workingMs ?? Math.max(0, calendar.workingMsBetween(s.enteredAt, end) - s.pausedMs - waiting),
      events: events
        .filter(
          (e) =>
            e.instanceId === s.id &&
            ['reminded', 'escalated', 'reassigned', 'assigned', 'paused', 'resumed'].includes(e.kind),
        )
        .map(eventOf),
    };
  });

  return {
    row,
    sop,
    sopTitle: definition?.title ?? row.sopId,
    unitName: unit?.name ?? row.unitId,
    unitZone: unit?.timeZone ?? 'Asia/Jakarta',
    stakeholder: stakeholder ?? null,
    steps,
    events: events.map(eventOf),
    told: told.filter((m) => m.recipientKind === 'stakeholder').map((m) => toldOf(m, null)),
    notices: told.filter((m) => m.recipientKind === 'official').map((m) => toldOf(m, nameOf(m.recipientId))),
    files,
  };
}

function toldOf(m: typeof messages.$inferSelect, recipientName: string | null): ToldMessage {
  return {
    at: m.createdAt,
    sentAt: m.sentAt,
    template: m.template,
    params: m.params,
    status: m.status,
    channel: m.channel,
    delivery: m.delivery,
    errorCode: m.errorCode,
    recipientName,
  };
}
