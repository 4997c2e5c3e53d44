import type { Redis } from 'ioredis';
import type { Db } from '../db/index.js';
import { channelStates, insertMessage } from '../db/index.js';
import type { Logger } from '../log.js';
import type { JobQueues } from './queues.js';

export interface ChannelWatchOptions {
  readonly db: Db;
  readonly queues: JobQueues;
  readonly connection: Redis;
  readonly prefix: string;
  readonly log: Logger;
  /** The unit whose alert officials are told; those of every unit when it has none. */
  readonly unitId: string;
  /** How often channel_states is read; default 30 s. */
  readonly everyMs?: number;
  /** How long a channel may be reconnecting before it counts as down; default 2 minutes. */
  readonly graceMs?: number;
}

type ChannelRow = typeof channelStates.$inferSelect;

const FINAL = new Set(['logged_out', 'replaced']);

/**
 * Tells the admins (officials who receive alerts), on another channel, when a chat platform goes
 * down and when it is back. Messages for the channel that is down stay in the outbox meanwhile.
 */
export class ChannelWatch {
  readonly #down = new Map<string, boolean>();
  readonly #reconnectingSince = new Map<string, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ChannelWatchOptions) {}

  start(): void {
    this.#timer = setInterval(
      () => void this.check().catch((err: Error) => this.opts.log.warn({ err: err.message }, 'channel watch failed')),
      this.opts.everyMs ?? 30_000,
    );
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Reads every channel's state once and alerts on each change between up and down. */
  async check(now = Date.now()): Promise<void> {
    const rows = await this.opts.db.select().from(channelStates);
    for (const row of rows) {
      const down = this.#isDown(row, now);
      const before = this.#down.get(row.channel);
      this.#down.set(row.channel, down);
      // First sight of a channel: only a channel already down is worth a message.
      if (before === undefined ? !down : before === down) continue;
      await this.#alert(row, down);
    }
  }

  #isDown(row: ChannelRow, now: number): boolean {
    if (FINAL.has(row.state) || (row.state === 'stopped' && row.lastError)) return true;
    if (row.state !== 'reconnecting') {
      this.#reconnectingSince.delete(row.channel);
      return false;
    }
    // A blip of a few seconds is not news; a connection lost for minutes is.
    const since = this.#reconnectingSince.get(row.channel) ?? now;
    this.#reconnectingSince.set(row.channel, since);
    return now - since >= (this.opts.graceMs ?? 120_000);
  }

  async #alert(row: ChannelRow, down: boolean): Promise<void> {
    const { connection, prefix, db, queues } = this.opts;
    // Several workers may watch: the first to claim a change tells it.
    const claim = `${prefix}:channel-alert:${row.channel}:${down ? 'down' : 'up'}:${row.updatedAt.getTime()}`;
    if ((await connection.set(claim, '1', 'EX', 86_400, 'NX')) !== 'OK') return;
    const queued = await db.transaction((tx) =>
      insertMessage(
        tx,
        { kind: 'admins', unitId: this.opts.unitId },
        {
          caseId: null,
          instanceId: null,
          template: down ? 'channel.down' : 'channel.up',
          params: { channel: row.channel, state: row.state, error: row.lastError ?? '-' },
        },
        row.channel,
      ),
    );
    this.opts.log.warn(
      { channel: row.channel, state: row.state, told: queued.length },
      down ? 'channel down' : 'channel back',
    );
    await Promise.all(queued.map((m) => queues.addMessage(m.id, m.channel)));
  }
}
