import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { messages, pausedLines } from '../db/index.js';
import { caseFactsColumn, type FactsRow, type RecipientFound, recipientColumn } from '../outbox/index.js';

type MessageRow = typeof messages.$inferSelect;

/** A message this process claimed to send: its row, what rendering it reads, and its place in its chat's line. */
export interface Claim {
  readonly row: MessageRow & { readonly address: string };
  /** Its recipient's language and zone, and its case's facts, read by the claim's statement. */
  readonly found: ClaimedFacts;
  /** True once the chat's earlier message claimed here went (or was dead-lettered); false if it is held. */
  readonly ready: Promise<boolean>;
  /** Lets the chat's next claimed message go (true) or holds it (false); only the first call counts. */
  pass(passed: boolean): void;
  /** The row is settled (marked sent or dead, or left pending): later claims no longer count on it. */
  release(): void;
}

export interface ClaimedFacts {
  readonly recipient: RecipientFound | null;
  readonly facts: FactsRow | null;
}

interface InFlight {
  readonly id: string;
  readonly address: string;
  readonly seq: number;
  readonly passed: Promise<boolean>;
}

/**
 * Why a message was not claimed, as the claim's statement found it: its row (none: no such
 * message), whether its chat's line is paused, and how many of its chat's older messages are
 * pending (counted up to the claims' limit). The worker acts on it without looking again.
 */
export interface Unclaimed {
  readonly unclaimed: true;
  readonly row: MessageRow | undefined;
  readonly paused: boolean;
  readonly olderPending: number;
}

/**
 * What a claim finds: the claim; BUSY when this process is sending the row already (its job handed
 * out again after its lock lapsed on a busy machine); why it cannot go now.
 */
export type ClaimResult = Claim | typeof BUSY | Unclaimed;
export const BUSY = 'busy';
const NO_SUCH_MESSAGE: Unclaimed = { unclaimed: true, row: undefined, paused: false, olderPending: 0 };

interface Waiting {
  readonly id: string;
  readonly resolve: (claim: ClaimResult) => void;
  readonly reject: (err: unknown) => void;
  /** Until when it may wait here for the older messages of its chat (set when it is first parked). */
  parkedUntil?: number;
}

/**
 * How long a send may wait here for the older messages of its chat to be claimed. Jobs reach the
 * worker out of their chat's order when two transactions queue theirs in the other order: the
 * older ones come a moment later. Sent back to Redis instead, the send went behind the whole
 * queue, and every later message of its chat fetched meanwhile was held behind it and sent back
 * too: a deadline burst's reminders to an official's chat went out up to 30 s late.
 */
const PARK_MS = 1000;
/** How often parked sends are looked at again when no new claim comes (another process may send their elders). */
const PARK_POLL_MS = 50;

/**
 * Claims, for a channel with no gap between a chat's messages, the rows of the send jobs running
 * at the same moment in one statement instead of one each (issue 17: a statement or two per send
 * kept the log channel near 230 sends/s). A row is claimed when it is pending, its line is not
 * paused, and every older pending message of its chat is being sent by this process too: claimed
 * in the same statement, or earlier and not settled yet. Those go first: a claim's `ready` waits
 * for the chat's previous one, so a chat with many messages queued sends a batch of them in order
 * instead of one per round trip. A row whose older messages are pending but not here yet waits
 * for them (parked, at most PARK_MS, and at most `maxParked` at once so that the worker keeps room
 * to fetch them) and is claimed with them. One claim statement runs at a time, so each sees what
 * the one before claimed. A claim only reads: the row's job is the one sending it (BullMQ runs a job once
 * at a time), and its attempt is counted with its outcome (SentMarks).
 */
export class BatchedClaims {
  readonly #waiting: Waiting[] = [];
  /** Rows whose chat has older messages pending that are not claimed here yet: tried again with the next claims. */
  #parked: Waiting[] = [];
  /** Claimed here and not settled, by id; and the newest of each chat, which the next claim follows. */
  readonly #inFlight = new Map<string, InFlight>();
  readonly #newestOf = new Map<string, InFlight>();
  #running = false;
  #poll: NodeJS.Timeout | undefined;
  readonly #claimStatement: ReturnType<typeof claimStatement>;

  constructor(
    db: Db,
    channel: string,
    /** Older pending messages of a chat are counted up to this many (the worker's wait grows with them). */
    olderCountedUpTo: number,
    /** Sends parked at once at most: less than the worker's concurrency, which must fetch their elders. */
    private readonly maxParked: number,
  ) {
    this.#claimStatement = claimStatement(db, channel, olderCountedUpTo);
  }

  /** The message's claim, or why there is none (nothing: the caller looks why). */
  claim(messageId: string): Promise<ClaimResult> {
    if (this.#inFlight.has(messageId)) return Promise.resolve(BUSY);
    return new Promise((resolve, reject) => {
      this.#waiting.push({ id: messageId, resolve, reject });
      if (!this.#running) this.#runSoon();
    });
  }

  #runSoon(): void {
    clearTimeout(this.#poll);
    this.#poll = undefined;
    this.#running = true;
    setImmediate(() => void this.#claimWaiting());
  }

  async #claimWaiting(): Promise<void> {
    const batch = [...this.#parked, ...this.#waiting.splice(0)];
    this.#parked = [];
    // A job handed out again while its first run waited for the claim before this one: BUSY below.
    const ids = [...new Set(batch.map((w) => w.id))].filter((id) => !this.#inFlight.has(id));
    const newestOf = new Map(this.#newestOf);
    try {
      const found = await this.#claimRows(ids, [...this.#inFlight.keys()]);
      const claims = new Map<string, Claim>();
      const unclaimed = new Map<string, Unclaimed>();
      for (const { row, claimable, paused, olderPending, recipient, facts } of found.sort(
        (a, b) => a.row.seq - b.row.seq,
      )) {
        if (!claimable || !row.address) {
          unclaimed.set(row.id, { unclaimed: true, row, paused, olderPending });
          continue;
        }
        const previous = newestOf.get(row.address);
        const { claim, entry } = this.#track({ ...row, address: row.address }, { recipient, facts }, previous);
        newestOf.set(row.address, entry);
        claims.set(row.id, claim);
      }
      const now = Date.now();
      for (const waiting of batch) {
        const claim = claims.get(waiting.id);
        // A job handed out twice in one turn: the first one sends.
        claims.delete(waiting.id);
        if (claim) waiting.resolve(claim);
        else if (this.#inFlight.has(waiting.id)) waiting.resolve(BUSY);
        else {
          const why = unclaimed.get(waiting.id) ?? NO_SUCH_MESSAGE;
          if (!(heldByElders(why) && this.#park(waiting, now))) waiting.resolve(why);
        }
      }
    } catch (err) {
      for (const waiting of batch) waiting.reject(err);
    } finally {
      if (this.#waiting.length > 0) this.#runSoon();
      else {
        this.#running = false;
        if (this.#parked.length > 0) {
          this.#poll = setTimeout(() => this.#runSoon(), PARK_POLL_MS);
          this.#poll.unref();
        }
      }
    }
  }

  /** Keeps a row held by its chat's older messages for the next claims, unless it waited long enough or room is short. */
  #park(waiting: Waiting, now: number): boolean {
    waiting.parkedUntil ??= now + PARK_MS;
    if (now >= waiting.parkedUntil || this.#parked.length >= this.maxParked) return false;
    this.#parked.push(waiting);
    return true;
  }

  #track(row: Claim['row'], found: ClaimedFacts, previous: InFlight | undefined): { claim: Claim; entry: InFlight } {
    let pass!: (passed: boolean) => void;
    const passed = new Promise<boolean>((resolve) => {
      pass = resolve;
    });
    const entry: InFlight = { id: row.id, address: row.address, seq: row.seq, passed };
    this.#inFlight.set(row.id, entry);
    const newest = this.#newestOf.get(row.address);
    if (!newest || newest.seq < row.seq) this.#newestOf.set(row.address, entry);
    const claim: Claim = {
      row,
      found,
      ready: previous && previous.seq < row.seq ? previous.passed : Promise.resolve(true),
      pass,
      release: () => {
        this.#inFlight.delete(row.id);
        if (this.#newestOf.get(row.address) === entry) this.#newestOf.delete(row.address);
      },
    };
    return { claim, entry };
  }

  /**
   * Each chat of the batch is looked at once: its first pending message not being sent here (by
   * the chats' pending index) and whether its line is paused; a row of the batch goes when that
   * message comes after it. (Written as a subquery per row, Postgres hashed every pending message
   * of the channel against the batch instead; written as a subquery asked twice, once for the
   * answer and once for the count below, it ran twice: the claims were half of Postgres's time in a
   * burst of submissions, issue 17.) Every row of the batch comes back, with why one that may not
   * go cannot: in a burst most of an official's messages are committed out of their chat's order
   * and wait once.
   */
  #claimRows(ids: readonly string[], inFlight: readonly string[]) {
    return this.#claimStatement.execute({ batch: ids, excused: [...ids, ...inFlight] });
  }
}

/**
 * The claim, built once and kept prepared on each connection by name: built by drizzle and
 * planned by Postgres at every claim, it was a good part of both processes' time in a burst of
 * sends. Its text is the same for every channel (they are parameters), so one name serves all.
 */
function claimStatement(db: Db, channel: string, olderCountedUpTo: number) {
  const batch = sql`${sql.placeholder('batch')}::text[]`;
  const excused = sql`${sql.placeholder('excused')}::text[]`;
  const chats = db
    .select({
      address: sql<string>`c.address`.as('address'),
      blockedFrom: sql<number | null>`(
        select o.seq from ${messages} o
        where o.channel = ${channel} and o.address = c.address and o.status = 'pending' and o.id <> all(${excused})
        order by o.seq limit 1)`.as('blocked_from'),
      paused: sql<boolean>`exists (
        select 1 from ${pausedLines} p where p.channel = ${channel} and p.address = c.address)`.as('paused'),
    })
    .from(sql`(select distinct address from ${messages} where id = any(${batch}) and address is not null) c`)
    .as('chats');
  // Drizzle writes a column unqualified here, which beside the other table's is ambiguous.
  const own = (column: 'status' | 'address' | 'seq') => sql.raw(`"messages"."${column}"`);
  const chat = (column: 'address' | 'blocked_from' | 'paused') => sql.raw(`"chats"."${column}"`);
  const claimable = sql`(${own('status')} = 'pending' and not ${chat('paused')}
    and (${chat('blocked_from')} is null or ${chat('blocked_from')} > ${own('seq')}))`;
  return db
    .select({
      row: messages,
      claimable: sql<boolean>`coalesce(${claimable}, false)`,
      paused: sql<boolean>`coalesce(${chat('paused')}, false)`,
      olderPending: sql<number>`case when ${claimable} then 0 else (
        select count(*)::int from (
          select 1 from ${messages} o
          where o.channel = ${channel} and o.address = ${own('address')} and o.status = 'pending'
            and o.seq < ${own('seq')}
          limit ${olderCountedUpTo}) older) end`,
      // What rendering reads, here rather than in statements of their own after the claim.
      recipient: sql<RecipientFound | null>`case when ${claimable} then ${recipientColumn} end`,
      facts: sql<FactsRow | null>`case when ${claimable} then ${caseFactsColumn} end`,
    })
    .from(messages)
    .leftJoin(chats, sql`${chat('address')} = ${own('address')}`)
    .where(sql`${messages.id} = any(${batch})`)
    .prepare('siput_outbox_claim');
}

/** A row that may go once its chat's older pending messages went: it has an address, no paused line, and elders. */
function heldByElders(why: Unclaimed): boolean {
  return why.row?.status === 'pending' && why.row.address !== null && !why.paused && why.olderPending > 0;
}

interface Mark {
  readonly id: string;
  readonly at: Date;
  /** Attempts to add: 1 for a claimed row, whose attempt is counted here. */
  readonly attempts: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Marks sent rows in one statement per turn instead of one each. One statement runs at a time, so
 * a chat's rows are marked in the order they went, each with the moment its send returned.
 */
export class SentMarks {
  readonly #waiting: Mark[] = [];
  #running = false;

  constructor(
    private readonly db: Db,
    /** Runs the write, retrying it while the database is away (a send cannot be taken back). */
    private readonly persisting: (write: () => Promise<unknown>) => Promise<void>,
  ) {}

  sent(id: string, at: Date, attempts: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ id, at, attempts, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        setImmediate(() => void this.#markWaiting());
      }
    });
  }

  async #markWaiting(): Promise<void> {
    const batch = this.#waiting.splice(0);
    try {
      const ids = batch.map((m) => m.id);
      const ats = batch.map((m) => m.at.toISOString());
      const attempts = batch.map((m) => m.attempts);
      // A channel that confirms later (WhatsApp's server ack) has already moved the row on itself.
      await this.persisting(() =>
        this.db.execute(
          sql`update ${messages} set status = 'sent', sent_at = u.at, last_error = null, attempts = attempts + u.added
              from unnest(${sql.param(ids)}::text[], ${sql.param(ats)}::timestamptz[], ${sql.param(attempts)}::integer[]) as u(id, at, added)
              where ${messages.id} = u.id and ${messages.status} = 'pending'`,
        ),
      );
      for (const m of batch) m.resolve();
    } catch (err) {
      for (const m of batch) m.reject(err);
    } finally {
      if (this.#waiting.length > 0) setImmediate(() => void this.#markWaiting());
      else this.#running = false;
    }
  }
}
