import type { Writable } from 'node:stream';
import type pg from 'pg';

/**
 * The socket under a node-postgres client, to cork and uncork around writes that should leave
 * together: pg keeps it on its connection without typing it.
 */
export function socketOf(client: pg.ClientBase): Partial<Writable> | undefined {
  return (client as unknown as { connection?: { stream?: Partial<Writable> } }).connection?.stream;
}
