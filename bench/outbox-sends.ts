import { performance } from 'node:perf_hooks';
import { and, count, eq, isNotNull, max, min } from 'drizzle-orm';
import { insertChatMessage, type QueuedMessage } from '../src/db/outbox.js';
import { messages } from '../src/db/schema.js';
import { freshDatabase, SHIPPED_SOPS_DIR, sleep, startBenchApp } from './harness.js';

export interface OutboxSendsOptions {
  /** Messages written to the outbox at once, as a deadline burst does. */
  readonly sends: number;
  /** Distinct chats they go to: many (a broadcast) or few (reminders piling up on the officials). */
  readonly chats: number;
  /** Stop waiting after this long and report what was sent. */
  readonly capMs: number;
}

export interface OutboxSends {
  readonly sends: number;
  readonly chats: number;
  readonly sent: number;
  /** From queuing the jobs to the last send. */
  readonly elapsedMs: number;
  /** Sent messages over the time from the first send to the last. */
  readonly perSecond: number;
  /** Whether each chat got its messages in the order they were written. */
  readonly inOrder: boolean;
}

/**
 * The outbox after a burst: `sends` pending messages on the log channel, to `chats` chats round
 * robin, committed in one transaction and queued in one addBulk, as a timer batch does; then the
 * app's own outbox worker (default settings) sends them. The log channel does no I/O, so the
 * figure is the outbox's own cost: BullMQ, the row's checks and updates, the rendering.
 */
export async function measureOutboxSends(opts: OutboxSendsOptions): Promise<OutboxSends> {
  const database = await freshDatabase();
  try {
    const bench = await startBenchApp(database, { sopsDir: SHIPPED_SOPS_DIR });
    try {
      const { app } = bench;
      const db = app.database.db;
      const queued: QueuedMessage[] = [];
      const CHUNK = 1000;
      for (let from = 0; from < opts.sends; from += CHUNK) {
        await db.transaction(async (tx) => {
          for (let i = from; i < Math.min(opts.sends, from + CHUNK); i++) {
            queued.push(
              await insertChatMessage(tx, 'log', `bench-chat-${i % opts.chats}`, {
                caseId: null,
                instanceId: null,
                template: 'flow.text',
                params: { text: `Pengingat uji ${i + 1}` },
              }),
            );
          }
        });
      }
      const started = performance.now();
      await app.queues.scheduleMany([{ messages: queued, timers: [] }]);
      const deadline = Date.now() + opts.capMs;
      let sent = 0;
      while (sent < opts.sends && Date.now() < deadline) {
        await sleep(100);
        const [row] = await db.select({ n: count() }).from(messages).where(eq(messages.status, 'sent'));
        sent = row?.n ?? 0;
      }
      const elapsedMs = performance.now() - started;
      const [span] = await db
        .select({ first: min(messages.sentAt), last: max(messages.sentAt) })
        .from(messages)
        .where(isNotNull(messages.sentAt));
      const spanS = ((span?.last?.getTime() ?? 0) - (span?.first?.getTime() ?? 0)) / 1000;
      return {
        sends: opts.sends,
        chats: opts.chats,
        sent,
        elapsedMs,
        perSecond: spanS > 0 ? (sent - 1) / spanS : 0,
        inOrder: await sentInOrder(db),
      };
    } finally {
      await bench.close();
    }
  } finally {
    await database.close();
  }
}

/** True when, in every chat, a later-written message was never sent before an earlier one. */
async function sentInOrder(db: Parameters<typeof insertChatMessage>[0]): Promise<boolean> {
  const rows = await db
    .select({ address: messages.address, seq: messages.seq, sentAt: messages.sentAt })
    .from(messages)
    .where(and(eq(messages.channel, 'log'), isNotNull(messages.sentAt)))
    .orderBy(messages.address, messages.seq);
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1], rows[i]];
    if (a && b && a.address === b.address && (a.sentAt?.getTime() ?? 0) > (b.sentAt?.getTime() ?? 0)) return false;
  }
  return true;
}
