/**
 * The Bot API emulator in a process of its own, so that what the bench process spends is the
 * service's alone, and the emulator's clock is not held up by the service's busy event loop, as
 * Telegram's is not. It says where it listens on the IPC channel, then answers:
 *   - { texts }: queues each text from its user; answers "queued";
 *   - { replies }: one update at a time from a new person, each timed from its queuing to its
 *     reply's row in the outbox committing, told by Postgres on a connection of its own; answers the times;
 *   - "report": the sends that arrived and the 429s; "close".
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { TelegramEmulator } from '../test/support/telegram-emulator.js';

export interface QueueTexts {
  readonly texts: ReadonlyArray<{ readonly userId: number; readonly text: string }>;
}

export interface TimeReplies {
  readonly replies: {
    readonly databaseUrl: string;
    readonly firstUserId: number;
    readonly samples: number;
    /** No sample starts past this wall-clock time. */
    readonly until: number;
  };
}

const emulator = await TelegramEmulator.start();
const cap = process.env.TELEGRAM_EMULATOR_CAP;
if (cap) emulator.sendsPerSecondCap = Number(cap);
process.send?.({ apiRoot: emulator.apiRoot, token: emulator.token });
process.on('message', (message: unknown) => {
  if (message === 'report') {
    process.send?.({
      arrivals: emulator.callsOf('sendMessage').map((c) => ({ at: c.at, status: c.status })),
      rateLimited: emulator.rateLimited,
    });
  } else if (message === 'close') {
    void emulator.close().then(() => process.exit(0));
  } else if (typeof message === 'object' && message !== null && 'texts' in message) {
    for (const { userId, text } of (message as QueueTexts).texts) emulator.sendText(emulator.user(userId), text);
    process.send?.('queued');
  } else if (typeof message === 'object' && message !== null && 'replies' in message) {
    void timeReplies((message as TimeReplies).replies).then(
      (replyMs) => process.send?.({ replyMs }),
      (err: Error) => process.send?.({ error: err.message }),
    );
  }
});

/**
 * Each sample is timed to the commit of its reply's row: a trigger made for these samples (and
 * dropped after them) notifies this process's listening connection as the row's transaction
 * commits, so the figure is the service's, not how often a poll looks.
 */
async function timeReplies(opts: TimeReplies['replies']): Promise<number[]> {
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  await client.query(`
create function bench_reply_committed() returns trigger language plpgsql as $$
begin perform pg_notify('bench_reply', new.address); return null; end $$;
create trigger bench_reply_committed after insert on messages for each row execute function bench_reply_committed();
listen bench_reply;`);
  let awaited: { address: string; seen: () => void } | undefined;
  client.on('notification', ({ payload }) => {
    if (awaited && payload === awaited.address) awaited.seen();
  });
  try {
    const times: number[] = [];
    for (let i = 0; i < opts.samples && Date.now() < opts.until; i++) {
      const person = emulator.user(opts.firstUserId + i);
      const committed = new Promise<void>((seen, fail) => {
        awaited = { address: String(person.id), seen };
        setTimeout(() => fail(new Error(`no reply to update ${i} within 5 s`)), 5000).unref();
      });
      const sentAt = performance.now();
      emulator.sendText(person, 'halo');
      await committed;
      times.push(performance.now() - sentAt);
    }
    return times;
  } finally {
    await client.query('drop trigger bench_reply_committed on messages; drop function bench_reply_committed()');
    await client.end();
  }
}
