import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { attachments, conversations } from '../src/db/schema.js';
import { AttachmentStore } from '../src/files/attachment-store.js';
import { RETENTION_QUEUE } from '../src/jobs/retention-worker.js';
import { createLogger } from '../src/log.js';
import { removeUnattachedUploads } from '../src/privacy/unattached-uploads.js';
import { testApp, testConfig } from './support/app.js';
import { PNG } from './support/files.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database;
let app: App;
let store: AttachmentStore;

// The app is started only for the scheduling test: its workers run the same sweep at start, which
// would race the direct call below.
beforeAll(async () => {
  database = await freshDatabase();
  store = new AttachmentStore({ db: database.db, dataDir: config.DATA_DIR });
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const age = (id: string, hours: number) =>
  database.db
    .update(attachments)
    .set({ createdAt: sql`now() - make_interval(hours => ${hours})` })
    .where(eq(attachments.id, id));
const onDisk = (id: string) => existsSync(join(config.DATA_DIR, 'uploads', id));
const kept = async (id: string) => (await store.get(id)) !== undefined && onDisk(id);

describe('uploads no case took', () => {
  it('are deleted, row and file, after the hours set, while attached, drafted and recent ones stay', async () => {
    const orphan = await store.save({ bytes: PNG, name: 'sisa.png', uploadedBy: 'web:x' });
    const attached = await store.save({ bytes: PNG, name: 'bukti.png', uploadedBy: 'web:y', caseId: randomUUID() });
    const drafted = await store.save({ bytes: PNG, name: 'draf.png', uploadedBy: 'web:z' });
    const recent = await store.save({ bytes: PNG, name: 'baru.png', uploadedBy: 'web:w' });
    for (const a of [orphan, attached, drafted]) await age(a.id, 7);
    await age(recent.id, 1);
    await database.db.insert(conversations).values({
      channel: 'web',
      address: `draft-${randomUUID()}`,
      flow: 'complaint',
      step: 'confirm',
      data: { attachment: { id: drafted.id, name: drafted.name } },
    });

    const removed = await removeUnattachedUploads(database.db, {
      dataDir: config.DATA_DIR,
      olderThan: new Date(Date.now() - config.UNATTACHED_UPLOAD_HOURS * 3600_000),
      log: createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }),
    });
    expect(removed).toBe(1);
    expect(await store.get(orphan.id)).toBeUndefined();
    expect(onDisk(orphan.id)).toBe(false);
    for (const a of [attached, drafted, recent]) expect(await kept(a.id), a.name).toBe(true);
  });

  it('are swept by an hourly job the workers schedule', async () => {
    app = await testApp(database, config);
    const queue = new Queue(RETENTION_QUEUE, { connection: app.connection, prefix: app.prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      const sweep = schedulers.find((s) => s.name === 'sweep-uploads');
      expect(sweep?.every).toBe(3600_000);
    } finally {
      await queue.close();
    }
  });
});
