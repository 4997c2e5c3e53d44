import { and, asc, eq, inArray } from 'drizzle-orm';
import type { UnitCalendars } from '../../cases/calendars.js';
import type { SopRegistry } from '../../cases/sop-registry.js';
import type { Db } from '../../db/client.js';
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
} from '../../db/schema.js';
import type { SopDefinition, SopStep } from '../../sop/definition.js';

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
  readonly attachments: readonly { id: string; name: string }[];
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
  /** Files the stakeholder or officials attached to the case. */
  readonly files: readonly { id: string; name: string; mime: string; size: number }[];
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
      .where(and(eq(messages.caseId, row.id), eq(messages.recipientKind, 'stakeholder')))
      .orderBy(asc(messages.seq)),
    db
      .select({ id: attachments.id, name: attachments.name, mime: attachments.mime, size: attachments.size })
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
    return {
      instanceId: s.id,
      seq: s.seq,
      stepId: s.stepId,
      kegiatan: def?.kegiatan ?? '',
      waktu: def?.waktu.text ?? '',
      ownerId: s.assigneeId,
      ownerName: nameOf(s.assigneeId),
      onBehalfOfName: nameOf(s.onBehalfOf),
      enteredAt: s.enteredAt,
      dueAt: s.dueAt,
      leftAt: s.leftAt,
      outcome: action?.label.id ?? s.outcome,
      actorName: nameOf(s.actorId),
      note: s.note,
      attachments: acted?.attachments ?? [],
      late: end > s.dueAt,
      workingMs: s.workingMs ?? calendar.workingMsBetween(s.enteredAt, end),
      events: events
        .filter((e) => e.instanceId === s.id && ['reminded', 'escalated', 'reassigned'].includes(e.kind))
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
    told: told.map((m) => ({
      at: m.createdAt,
      sentAt: m.sentAt,
      template: m.template,
      params: m.params,
      status: m.status,
      channel: m.channel,
    })),
    files,
  };
}
