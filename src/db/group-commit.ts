import type { SQL } from 'drizzle-orm';
import type { Db, Tx } from './client.js';
import { sendInOrder } from './pipeline.js';
import { pipelinedTransaction, type SendLater } from './pipelined-transaction.js';

/**
 * A piece of work for a group. Its `opening` statement, when it has one, is sent with the group's
 * BEGIN, before any piece's work, and its rows handed to `work`: so it must not depend on what the
 * pieces before it do, except those with the same `key`, before which it waits its turn (a chat's
 * next message claims the conversation after its last one saved it). Statements given to `later`
 * are not waited for (see SendLater).
 */
export interface Piece<T> {
  readonly opening?: { readonly key: string; readonly statement: SQL };
  readonly work: (tx: Tx, opened: unknown[], later: SendLater) => Promise<T>;
}

interface Member<T> {
  readonly piece: Piece<T>;
  readonly resolve: (result: T) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Pieces in one group at most; more waiting in the same turn make further groups, committed side
 * by side on their own connections, so a group is as large as the load makes it, up to this. A
 * group's pieces wait on each other's round trips, which were 4 a chat message (groups of 4 were
 * best then); with the claims sent up front and the saves not waited for, a chat message that
 * reads nothing else waits on none, and larger groups cost less CPU per message: the poller's 64
 * chats as 4 groups of 16 handled 1,091 updates per CPU second, as 8 groups of 8 733 (bench, load 6-7).
 */
const MAX_GROUP = 16;

/**
 * Runs pieces of work that arrive in the same turn of the event loop (a polled batch's chats, say)
 * in one transaction, one after another in the order they came, and settles each only after the
 * commit: one BEGIN and one COMMIT for the group instead of two round trips each, which were half
 * of a chat reply's statements. One after another, not interleaved, so each piece sees the ones
 * before it as if they had committed (two messages of one chat keep their order) and its
 * savepoints roll back nothing of the others'. Only the pieces' opening statements go first, all
 * at once with the BEGIN (see Piece).
 *
 * When any piece throws, or the commit fails, the group is rolled back and every piece runs again
 * in a transaction of its own, in order: a piece that keeps failing fails alone, and the others
 * are done once, since nothing of the group's attempt was kept. So a piece must be safe to run
 * twice up to its commit: read what it needs inside `work`, and leave effects outside the
 * database until it has settled.
 */
export class GroupCommit {
  #waiting: Member<unknown>[] = [];

  constructor(private readonly db: Db) {}

  run<T>(piece: Piece<T> | ((tx: Tx) => Promise<T>)): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const member = { piece: typeof piece === 'function' ? { work: piece } : piece, resolve, reject };
      if (this.#waiting.push(member as Member<unknown>) === 1) setImmediate(() => this.#start());
    });
  }

  #start(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (let from = 0; from < waiting.length; from += MAX_GROUP)
      void this.#commit(waiting.slice(from, from + MAX_GROUP));
  }

  async #commit(group: readonly Member<unknown>[]): Promise<void> {
    if (group.length > 1) {
      let results: unknown[] | undefined;
      try {
        results = await this.#together(group);
      } catch {
        // Retried alone below, where each piece's own error reaches its caller.
      }
      if (results) {
        for (const [i, member] of group.entries()) member.resolve(results[i]);
        return;
      }
    }
    for (const member of group) {
      try {
        member.resolve((await this.#together([member]))[0]);
      } catch (err) {
        member.reject(err);
      }
    }
  }

  /** The pieces in one transaction; the openings of the first piece of each key go with the BEGIN. */
  #together(group: readonly Member<unknown>[]): Promise<unknown[]> {
    const keys = new Set<string>();
    const upFront = group.map(({ piece: { opening } }) => {
      if (!opening || keys.has(opening.key)) return false;
      keys.add(opening.key);
      return true;
    });
    const openings = group.flatMap(({ piece: { opening } }, i) => (opening && upFront[i] ? [opening.statement] : []));
    return pipelinedTransaction(this.db, openings, async (tx, opened, later) => {
      const out: unknown[] = [];
      let next = 0;
      for (const [i, { piece }] of group.entries()) {
        let rows: unknown[] = [];
        if (piece.opening && upFront[i]) rows = opened[next++] ?? [];
        else if (piece.opening) rows = (await sendInOrder(tx, [piece.opening.statement]))[0] ?? [];
        out.push(await piece.work(tx, rows, later));
      }
      return out;
    });
  }
}
