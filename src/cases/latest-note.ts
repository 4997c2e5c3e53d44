import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { caseEvents, officials } from '../db/index.js';

/** The last note written on a case: what an official picking it up reads first. */
export interface LatestNote {
  readonly note: string;
  /** The official who wrote it. */
  readonly by: string;
}

/**
 * The newest note an official wrote on the case. The system's copy of a return note on the step it
 * re-enters is not a note of its own.
 */
export async function latestNote(tx: Tx, caseId: string): Promise<LatestNote | null> {
  const [row] = await tx
    .select({ note: caseEvents.note, name: officials.name })
    .from(caseEvents)
    .innerJoin(officials, eq(officials.id, caseEvents.actor))
    .where(and(eq(caseEvents.caseId, caseId), isNotNull(caseEvents.note)))
    .orderBy(desc(caseEvents.id))
    .limit(1);
  return noteOf(row);
}

/** latestNote from the newest noted row read already: its note, and its author's name. */
export function noteOf(row: { note: string | null; name: string } | undefined): LatestNote | null {
  if (!row?.note?.trim()) return null;
  return { note: row.note.trim(), by: row.name };
}
