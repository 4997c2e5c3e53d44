import type { Config } from '../config.js';
import type { Db } from './client.js';
import { units } from './schema.js';

/** Creates the unit if it does not exist yet; an existing unit is left as the admins set it. */
export async function ensureUnit(db: Db, unit: { id: string; name: string; timeZone: string }): Promise<void> {
  await db.insert(units).values(unit).onConflictDoNothing();
}

/**
 * The unit a fresh installation starts with (DEFAULT_UNIT). The service and the CLI both create it,
 * so the README's first walk can add officials to it before the service has ever started.
 */
export function ensureDefaultUnit(db: Db, config: Pick<Config, 'DEFAULT_UNIT' | 'TZ_DEFAULT'>): Promise<void> {
  return ensureUnit(db, {
    id: config.DEFAULT_UNIT,
    name: 'Bagian Organisasi dan Tata Laksana',
    timeZone: config.TZ_DEFAULT,
  });
}
