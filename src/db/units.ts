import type { Db } from './client.js';
import { units } from './schema.js';

/** Creates the unit if it does not exist yet; an existing unit is left as the admins set it. */
export async function ensureUnit(db: Db, unit: { id: string; name: string; timeZone: string }): Promise<void> {
  await db.insert(units).values(unit).onConflictDoNothing();
}
