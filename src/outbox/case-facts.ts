import { type SQL, sql } from 'drizzle-orm';
import { type LatestNote, noteOf } from '../cases/index.js';
import type { Db } from '../db/index.js';
import { prepared, queryRows } from '../db/index.js';
import type { CaseFile } from '../links/index.js';
import { PerTurn } from '../per-turn.js';
import type { ReporterFacts } from '../privacy/index.js';

/** What the messages about a case show of it: its receipt's status link, and an official's step summary. */
export interface CaseFacts {
  readonly ticket: string;
  readonly statusSecret: string | null;
  readonly category: string | null;
  readonly subject: string | null;
  readonly body: string | null;
  readonly reporter: ReporterFacts;
  readonly latestNote: LatestNote | null;
  /** Oldest first. */
  readonly files: readonly CaseFile[];
}

export interface FactsRow {
  id: string;
  ticket: string;
  status_secret: string | null;
  category: string | null;
  subject: string | null;
  body: string | null;
  rahasia: boolean;
  name: string | null;
  email: string | null;
  phone: string | null;
  erased_at: unknown;
  note: string | null;
  note_by: string | null;
  files: CaseFile[] | null;
}

/**
 * The facts of many cases in one statement (a case not found has none). The latest note is the
 * newest an official wrote (latestNote's rule: a copy the system wrote has no official as actor).
 */
export async function caseFactsOf(db: Db, caseIds: readonly string[]): Promise<Map<string, CaseFacts>> {
  const ids = [...new Set(caseIds)];
  const rows = await queryRows<FactsRow>(
    db,
    sql`${prepared}${factsSelect(sql`c.id = any(${sql.param(ids)}::text[])`)}`,
  );
  return new Map(rows.map((r) => [r.id, factsOf(r)]));
}

/**
 * The facts of the case a row of `messages` is about, as one json column (null for a message about
 * no case) of a statement that reads messages: the outbox's claim reads them with the rows it
 * claims instead of a statement after it.
 */
export const caseFactsColumn = sql<FactsRow | null>`(select to_json(f) from (${factsSelect(
  sql.raw('c.id = "messages"."case_id"'),
)}) f)`;

/** The facts as a row of `caseFactsColumn` holds them. */
export function factsOf(r: FactsRow): CaseFacts {
  return {
    ticket: r.ticket,
    statusSecret: r.status_secret,
    category: r.category,
    subject: r.subject,
    body: r.body,
    reporter: { rahasia: r.rahasia, name: r.name, email: r.email, phone: r.phone, erasedAt: r.erased_at },
    latestNote: r.note_by === null ? null : noteOf({ note: r.note, name: r.note_by }),
    files: r.files ?? [],
  };
}

function factsSelect(where: SQL): SQL {
  return sql`select c.id, c.ticket, c.status_secret, c.category, c.subject, c.body, c.rahasia,
          s.name, s.email, s.phone, s.erased_at, n.note, n.note_by,
          (select json_agg(json_build_object('id', a.id, 'name', a.name, 'kelengkapan', a.kelengkapan)
                  order by a.created_at)
             from attachments a where a.case_id = c.id) as files
        from cases c
        left join stakeholders s on s.id = c.stakeholder_id
        left join lateral (
          select e.note, o.name as note_by from case_events e join officials o on o.id = e.actor
          where e.case_id = c.id and e.note is not null order by e.id desc limit 1) n on true
        where ${where}`;
}

/** caseFactsOf for the messages rendered in the same turn of the event loop: one statement for them all. */
export class CaseFactsLookup extends PerTurn<string, CaseFacts | undefined> {
  constructor(db: Db) {
    super(async (caseIds) => {
      const facts = await caseFactsOf(db, caseIds);
      return caseIds.map((id) => facts.get(id));
    });
  }
}
