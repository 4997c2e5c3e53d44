import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { channelStates, messages, officials, units } from '../src/db/schema.js';
import { t } from '../src/i18n/catalog.js';
import { ChannelWatch } from '../src/jobs/channel-watch.js';
import { ALWAYS_WORKING } from '../src/sop/working-calendar.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { KILAT_SETTINGS } from './support/kilat.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig(KILAT_SETTINGS);
let database: Database;
let app: App;
let admin: string;

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.insert(units).values({ id: 'kilat', name: 'Unit Kilat', workingHours: ALWAYS_WORKING });
  // A kepala who gets the alerts; nobody holds the pelaksana role, so step 1 has no holder.
  admin = await addOfficial(database.db, { nip: '9', name: 'Kepala Admin', roleId: 'kepala', unitId: 'kilat' });
  await database.db.update(officials).set({ receivesAlerts: true }).where(eq(officials.id, admin));
  await linkChannel(database.db, { kind: 'official', id: admin }, 'telegram', 'tg-admin');
  await linkChannel(database.db, { kind: 'official', id: admin }, 'log', 'log-admin');
  app = await testApp(database, config);
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

const toAdmin = (template: string) =>
  database.db
    .select()
    .from(messages)
    .where(and(eq(messages.recipientId, admin), eq(messages.template, template)));

describe('the admins’ alerts', () => {
  it('reach the officials who receive them when a step has nobody to hold it', async () => {
    const { caseId } = await app.cases.submit({ sopId: 'kilat', unitId: 'kilat', body: 'x' });
    const [row] = await eventually('the alert', async () => {
      const rows = await toAdmin('step.unassigned');
      return rows.some((r) => r.caseId === caseId && r.status === 'sent') ? rows : null;
    });
    expect(row?.recipientKind).toBe('official');
  });

  it('tell them on another channel when a channel goes down, and when it is back', async () => {
    const watch = new ChannelWatch({
      db: database.db,
      queues: app.queues,
      connection: app.connection,
      prefix: app.prefix,
      log: app.log,
      unitId: 'kilat',
    });
    await database.db.insert(channelStates).values({ channel: 'telegram', state: 'polling', detail: '@siput_bot' });
    await watch.check();
    expect(await toAdmin('channel.down')).toHaveLength(0);

    await database.db
      .update(channelStates)
      .set({ state: 'stopped', lastError: '401 Unauthorized', updatedAt: new Date() })
      .where(eq(channelStates.channel, 'telegram'));
    await watch.check();
    await watch.check();
    const down = await toAdmin('channel.down');
    expect(down).toHaveLength(1);
    expect(down[0]?.channel).toBe('log');
    expect(down[0]?.params).toMatchObject({ channel: 'telegram', error: '401 Unauthorized' });
    // The alert must render: a template without text would fail at every send and dead-letter.
    const params = down[0]?.params ?? {};
    expect(t('id', 'channel.down', params)).toContain('kanal telegram terputus');
    expect(t('en', 'channel.down', params)).toContain('401 Unauthorized');

    await database.db
      .update(channelStates)
      .set({ state: 'polling', lastError: null, updatedAt: new Date() })
      .where(eq(channelStates.channel, 'telegram'));
    await watch.check();
    const up = await toAdmin('channel.up');
    expect(up).toHaveLength(1);
    expect(t('id', 'channel.up', up[0]?.params ?? {})).toContain('kanal telegram tersambung kembali');
  });

  it('wait out a short reconnect before calling a channel down', async () => {
    const watch = new ChannelWatch({
      db: database.db,
      queues: app.queues,
      connection: app.connection,
      prefix: app.prefix,
      log: app.log,
      unitId: 'kilat',
      graceMs: 60_000,
    });
    await database.db.insert(channelStates).values({ channel: 'whatsapp', state: 'connected' }).onConflictDoNothing();
    const t0 = Date.now();
    await watch.check(t0);
    await database.db
      .update(channelStates)
      .set({ state: 'reconnecting', lastError: 'Connection Closed', updatedAt: new Date() })
      .where(eq(channelStates.channel, 'whatsapp'));
    await watch.check(t0 + 1_000);
    await watch.check(t0 + 30_000);
    expect((await toAdmin('channel.down')).filter((m) => m.params.channel === 'whatsapp')).toHaveLength(0);
    await watch.check(t0 + 62_000);
    expect((await toAdmin('channel.down')).filter((m) => m.params.channel === 'whatsapp')).toHaveLength(1);
  });
});
