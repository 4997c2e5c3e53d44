import { sql } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { prepared, queryRows, type Shaped, sendInOrder } from '../db/index.js';

/**
 * Ticket numbers, e.g. SMS-2026-000123; numbering restarts each year.
 *
 * Each prefix and year draws from its own Postgres sequence. A counter row updated in the
 * submission's transaction stayed locked until commit, so concurrent submissions queued on it
 * one at a time; nextval never waits. A submission that rolls back leaves a gap in the numbers,
 * which the tickets' only promise (unique, increasing) allows. The ticket_counters table of
 * earlier versions seeds a year's sequence when it is made, so numbering goes on from it.
 */
export class TicketNumbers {
  /** Sequences seen committed in this service's database: they need no check again. */
  readonly #known = new Set<string>();

  async next(tx: Tx, prefix: string, year: number): Promise<string> {
    const draw = await this.draw(tx, prefix, year);
    const [rows] = await sendInOrder(tx, [draw.statement]);
    return draw.ticket(rows ?? []);
  }

  /**
   * The statement that draws the next number, for the caller to send with others, and how its rows
   * read as a ticket. Makes the year's sequence first if this service has not seen it.
   */
  async draw(
    tx: Tx,
    prefix: string,
    year: number,
  ): Promise<{ statement: Shaped; ticket: (rows: readonly unknown[]) => string }> {
    const name = await this.#sequence(tx, prefix, year);
    return {
      statement: { shape: 'ticket nextval', build: buildNextval, values: { name } },
      ticket: (rows) => {
        const [drawn] = rows as ReadonlyArray<{ n: string | number }>;
        if (drawn === undefined) throw new Error(`no number from ${name}`);
        return ticketOf(prefix, year, drawn.n);
      },
    };
  }

  /** As draw, for `count` numbers at once; they read in increasing order. */
  async drawMany(
    tx: Tx,
    prefix: string,
    year: number,
    count: number,
  ): Promise<{ statement: Shaped; tickets: (rows: readonly unknown[]) => string[] }> {
    const name = await this.#sequence(tx, prefix, year);
    return {
      statement: { shape: 'ticket nextval many', build: buildNextvals, values: { name, count } },
      tickets: (rows) => {
        const drawn = (rows as ReadonlyArray<{ n: string | number }>).map((r) => Number(r.n)).sort((a, b) => a - b);
        if (drawn.length !== count) throw new Error(`${drawn.length} numbers from ${name}, not ${count}`);
        return drawn.map((n) => ticketOf(prefix, year, n));
      },
    };
  }

  /** The year's sequence, made first if this service has not seen it. */
  async #sequence(tx: Tx, prefix: string, year: number): Promise<string> {
    const name = sequenceName(prefix, year);
    if (!this.#known.has(name)) {
      // Made earlier in this same transaction (another chat's case in a group commit), it is not
      // known yet: the transaction may still roll back and take it along.
      const [found] = await queryRows<{ seq: string | null; mine: boolean }>(
        tx,
        sql`select to_regclass(${name})::text as seq,
          coalesce((select c.xmin from pg_class c where c.oid = to_regclass(${name}))
            = pg_current_xact_id_if_assigned()::xid, false) as mine`,
      );
      if (!found?.seq) await makeSequence(tx, name, prefix, year);
      else if (!found.mine) this.#known.add(name);
    }
    return name;
  }
}

const ticketOf = (prefix: string, year: number, n: string | number) =>
  `${prefix}-${year}-${String(n).padStart(6, '0')}`;

const buildNextval = () => sql`${prepared}select nextval(${sql.placeholder('name')}::regclass) as n`;
const buildNextvals = () =>
  sql`${prepared}select nextval(${sql.placeholder('name')}::regclass) as n from generate_series(1, ${sql.placeholder('count')}::int)`;

/**
 * Makes a year's sequence in the caller's transaction, under a lock that serialises makers
 * (two concurrent CREATE SEQUENCE IF NOT EXISTS can collide in the catalog). It is not marked
 * known: the transaction may still roll back, taking the sequence with it.
 */
async function makeSequence(tx: Tx, name: string, prefix: string, year: number): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('siput:ticket-sequences'))`);
  await tx.execute(sql.raw(`create sequence if not exists ${name} minvalue 1`));
  // A fresh sequence (never drawn from) goes on from the counter row of earlier versions.
  await tx.execute(
    sql`select setval(${name}::regclass, c.last) from ticket_counters c
        where c.prefix = ${prefix} and c.year = ${year} and c.last > 0
          and not (select is_called from ${sql.raw(name)})`,
  );
}

/** Prefixes are 2–6 capital letters (the SOP schema checks), so the name needs no quoting. */
function sequenceName(prefix: string, year: number): string {
  if (!/^[A-Z]{2,6}$/.test(prefix) || !Number.isInteger(year)) throw new Error(`bad ticket prefix ${prefix}`);
  return `ticket_${prefix.toLowerCase()}_${year}`;
}
