import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { and, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { attachments } from '../db/index.js';
import type { Logger } from '../log.js';

/**
 * Deletes uploads that were never attached to a case and are older than `olderThan`: files sent to
 * the chat and left there, or sent only to fill the disk. A file still held by a conversation (a
 * complaint's draft waiting for its confirmation) is kept until that conversation lets it go.
 */
export async function removeUnattachedUploads(
  db: Db,
  opts: { readonly dataDir: string; readonly olderThan: Date; readonly log: Logger },
): Promise<number> {
  const stale = await db
    .select({ id: attachments.id })
    .from(attachments)
    .where(
      and(
        isNull(attachments.caseId),
        lt(attachments.createdAt, opts.olderThan),
        sql`not exists (select 1 from conversations c where strpos(c.data::text, ${attachments.id}) > 0)`,
      ),
    )
    .limit(1000);
  if (stale.length === 0) return 0;
  // Attached meanwhile (a case took it between the two statements): the case keeps it.
  const removed = await db
    .delete(attachments)
    .where(
      and(
        inArray(
          attachments.id,
          stale.map((r) => r.id),
        ),
        isNull(attachments.caseId),
      ),
    )
    .returning({ id: attachments.id });
  for (const { id } of removed) await unlink(join(opts.dataDir, 'uploads', id)).catch(() => {});
  opts.log.info({ removed: removed.length }, 'unattached uploads removed');
  return removed.length;
}
