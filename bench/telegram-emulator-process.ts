/**
 * The Bot API emulator in a process of its own, so that what the bench process spends is the
 * service's alone, and the emulator's clock is not held up by the service's busy event loop, as
 * Telegram's is not. It says where it listens on the IPC channel, then answers:
 *   - { texts }: queues each text from its user; answers "queued";
 *   - { replies }: one update at a time from a new person, each timed from its queuing to its
 *     reply's row in the outbox, polled every `pollMs` on a connection of its own; answers the times;
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
    readonly pollMs: number;
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

async function timeReplies(opts: TimeReplies['replies']): Promise<number[]> {
  const client = new pg.Client({ connectionString: opts.databaseUrl });
  await client.connect();
  const found = { name: 'reply-row', text: 'select 1 from messages where address = $1 limit 1' };
  try {
    const times: number[] = [];
    for (let i = 0; i < opts.samples && Date.now() < opts.until; i++) {
      const person = emulator.user(opts.firstUserId + i);
      const sentAt = performance.now();
      emulator.sendText(person, 'halo');
      for (;;) {
        const { rowCount } = await client.query({ ...found, values: [String(person.id)] });
        if (rowCount) break;
        if (performance.now() - sentAt > 5000) throw new Error(`no reply to update ${i} within 5 s`);
        await new Promise((resolve) => setTimeout(resolve, opts.pollMs));
      }
      times.push(performance.now() - sentAt);
    }
    return times;
  } finally {
    await client.end();
  }
}
