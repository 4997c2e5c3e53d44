import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { messages, pausedLines } from './schema.js';

export type PausedLine = typeof pausedLines.$inferSelect;

/** A paused line as the console lists it: who it is for, and how many messages wait in it. */
export interface PausedLineView extends PausedLine {
  readonly waiting: number;
  /** The head message's recipient: official, stakeholder, or a chat not linked to anyone ('chat'). */
  readonly recipientKind: string;
  readonly recipientId: string;
  readonly caseId: string | null;
}

/**
 * Pauses a chat's line at the message that failed past its retries. True when this call paused it,
 * false when it was paused already: only the first pause is news for the admins.
 */
export async function pauseLine(
  db: Db,
  line: { channel: string; address: string; headMessageId: string; lastError: string },
): Promise<boolean> {
  const inserted = await db
    .insert(pausedLines)
    .values(line)
    .onConflictDoNothing()
    .returning({ head: pausedLines.headMessageId });
  return inserted.length > 0;
}

export async function isLinePaused(db: Db, channel: string, address: string): Promise<boolean> {
  const [row] = await db
    .select({ head: pausedLines.headMessageId })
    .from(pausedLines)
    .where(and(eq(pausedLines.channel, channel), eq(pausedLines.address, address)))
    .limit(1);
  return row !== undefined;
}

/** The paused lines, longest paused first, each with its waiting count and the head's recipient. */
export async function listPausedLines(db: Db, limit: number): Promise<PausedLineView[]> {
  const lines = await db
    .select({
      line: pausedLines,
      recipientKind: messages.recipientKind,
      recipientId: messages.recipientId,
      caseId: messages.caseId,
    })
    .from(pausedLines)
    .innerJoin(messages, eq(messages.id, pausedLines.headMessageId))
    .orderBy(asc(pausedLines.pausedAt))
    .limit(limit);
  if (lines.length === 0) return [];
  const waiting = await db
    .select({ channel: messages.channel, address: messages.address, n: count() })
    .from(messages)
    .where(
      and(
        eq(messages.status, 'pending'),
        inArray(
          messages.channel,
          lines.map((l) => l.line.channel),
        ),
        inArray(
          messages.address,
          lines.map((l) => l.line.address),
        ),
      ),
    )
    .groupBy(messages.channel, messages.address);
  const counted = new Map(waiting.map((w) => [`${w.channel}\n${w.address}`, w.n]));
  return lines.map(({ line, ...head }) => ({
    ...line,
    ...head,
    waiting: counted.get(`${line.channel}\n${line.address}`) ?? 0,
  }));
}

/**
 * Unpauses the line named by its head message for an admin's retry: every message waiting in it
 * starts again with fresh attempts. Returns their ids in the order they go out, or null when the
 * line is no longer paused (another admin acted first).
 */
export async function reopenLine(
  tx: Tx,
  headMessageId: string,
): Promise<{ line: PausedLine; messageIds: string[] } | null> {
  const [line] = await tx.delete(pausedLines).where(eq(pausedLines.headMessageId, headMessageId)).returning();
  if (!line) return null;
  const waiting = await tx
    .update(messages)
    .set({ attempts: 0, lastError: null })
    .where(lineMessages(line))
    .returning({ id: messages.id, seq: messages.seq });
  return { line, messageIds: waiting.sort((a, b) => a.seq - b.seq).map((m) => m.id) };
}

/** Discards every message waiting in the line (kept, marked discarded) and unpauses it; null when no longer paused. */
export async function discardLine(
  tx: Tx,
  headMessageId: string,
): Promise<{ line: PausedLine; discarded: number } | null> {
  const [line] = await tx.delete(pausedLines).where(eq(pausedLines.headMessageId, headMessageId)).returning();
  if (!line) return null;
  const discarded = await tx
    .update(messages)
    .set({ status: 'discarded' })
    .where(lineMessages(line))
    .returning({ id: messages.id });
  return { line, discarded: discarded.length };
}

const lineMessages = (line: PausedLine) =>
  and(eq(messages.channel, line.channel), eq(messages.address, line.address), eq(messages.status, 'pending'));
