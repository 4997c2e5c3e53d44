import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { ticketCounters } from '../db/schema.js';

/** The next ticket number, e.g. SMS-2026-000123; numbering restarts each year. */
export async function nextTicket(tx: Tx, prefix: string, year: number): Promise<string> {
  const [row] = await tx
    .insert(ticketCounters)
    .values({ prefix, year, last: 1 })
    .onConflictDoUpdate({
      target: [ticketCounters.prefix, ticketCounters.year],
      set: { last: sql`${ticketCounters.last} + 1` },
    })
    .returning({ last: ticketCounters.last });
  return `${prefix}-${year}-${String(row?.last ?? 1).padStart(6, '0')}`;
}
