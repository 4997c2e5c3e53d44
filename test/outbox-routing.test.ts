import { asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import {
  channelLinks,
  type Database,
  type InsertOptions,
  insertMessages,
  insertMessagesLater,
  linkChannel,
  messages,
  pipelinedTransaction,
  type QueuedMessage,
  stakeholders,
} from '../src/db/index.js';
import type { Recipient } from '../src/sop/index.js';
import { freshDatabase } from './support/postgres.js';

type Person = Exclude<Recipient, { kind: 'admins' }>;

/** One of each case a recipient's chat is chosen by, and a second message to the first person. */
const PEOPLE: readonly Person[] = [
  { kind: 'stakeholder', id: 's-two-chats' },
  { kind: 'stakeholder', id: 's-email-only' },
  { kind: 'stakeholder', id: 's-email-stopped' },
  { kind: 'stakeholder', id: 's-erased' },
  { kind: 'stakeholder', id: 's-nothing' },
  { kind: 'official', id: 'o-linked' },
  { kind: 'stakeholder', id: 's-two-chats' },
];

async function seed(database: Database): Promise<void> {
  const { db } = database;
  await db.insert(stakeholders).values([
    { id: 's-two-chats', name: 'Dua Obrolan' },
    { id: 's-email-only', name: 'Hanya Surel', email: 'surel@contoh.go.id' },
    { id: 's-email-stopped', name: 'Surel Berhenti', email: 'henti@contoh.go.id', emailStoppedAt: new Date() },
    { id: 's-erased', name: 'Dihapus', email: 'hapus@contoh.go.id', erasedAt: new Date() },
    { id: 's-nothing', name: 'Tanpa Apa-apa' },
  ]);
  await linkChannel(db, { kind: 'stakeholder', id: 's-two-chats' }, 'log', 'old-chat');
  await linkChannel(db, { kind: 'stakeholder', id: 's-two-chats' }, 'web', 'new-chat');
  await linkChannel(db, { kind: 'stakeholder', id: 's-two-chats' }, 'telegram', 'older-chat');
  await db
    .update(channelLinks)
    .set({ lastSeenAt: new Date('2026-01-05T00:00:00Z') })
    .where(eq(channelLinks.address, 'old-chat'));
  await db
    .update(channelLinks)
    .set({ lastSeenAt: new Date('2026-06-05T00:00:00Z') })
    .where(eq(channelLinks.address, 'new-chat'));
  await db
    .update(channelLinks)
    .set({ lastSeenAt: new Date('2025-12-05T00:00:00Z') })
    .where(eq(channelLinks.address, 'older-chat'));
  await linkChannel(db, { kind: 'stakeholder', id: 's-email-only' }, 'web', 'left-chat');
  await db.update(channelLinks).set({ active: false }).where(eq(channelLinks.address, 'left-chat'));
  await linkChannel(db, { kind: 'official', id: 'o-linked' }, 'log', 'official-chat');
}

const itemsTagged = (tag: string) =>
  PEOPLE.map((to, i) => ({ to, message: { caseId: null, instanceId: null, template: `${tag}-${i}`, params: {} } }));

/** The rows written for `tag`, in the order they were written (seq). */
async function written(database: Database, tag: string) {
  const rows = await database.db
    .select()
    .from(messages)
    .where(like(messages.template, `${tag}-%`))
    .orderBy(asc(messages.seq));
  return rows.map((r) => ({
    template: r.template,
    recipient: `${r.recipientKind}:${r.recipientId}`,
    channel: r.channel,
    address: r.address,
    status: r.status,
  }));
}

async function writtenBoth(database: Database, opts: InsertOptions, tag: string) {
  const looked = await database.db.transaction((tx) => insertMessages(tx, itemsTagged(`${tag}-looked`), opts));
  const answer = await pipelinedTransaction(database.db, [], async (_tx, _opened, later) =>
    insertMessagesLater(itemsTagged(`${tag}-routed`), opts, later),
  );
  const routed: QueuedMessage[] = await answer.queued;
  return {
    looked: { queued: looked, rows: await written(database, `${tag}-looked`) },
    routed: { queued: routed, rows: await written(database, `${tag}-routed`) },
  };
}

const withoutTag = (rows: ReadonlyArray<{ template: string }>) =>
  rows.map(({ template, ...rest }) => ({ n: template.split('-').at(-1), ...rest }));

function routingSuite(name: string, open: () => Promise<Database>) {
  describe(`messages written with the COMMIT, their chats found by the insert (${name})`, () => {
    let database: Database;
    beforeAll(async () => {
      database = await open();
      await seed(database);
    });
    afterAll(async () => {
      await database?.close();
    });

    it('go where the look-up first would send them: latest chat, email when set up, else undeliverable', async () => {
      const { looked, routed } = await writtenBoth(database, { email: true }, 'mail');
      expect(routed.rows.map((r) => [r.channel, r.address, r.status])).toEqual([
        ['web', 'new-chat', 'pending'],
        ['email', 'surel@contoh.go.id', 'pending'],
        [null, null, 'undeliverable'],
        [null, null, 'undeliverable'],
        [null, null, 'undeliverable'],
        ['log', 'official-chat', 'pending'],
        ['web', 'new-chat', 'pending'],
      ]);
      expect(withoutTag(routed.rows)).toEqual(withoutTag(looked.rows));
      // Queued in the order given, only those with a channel, as the rows' ids.
      expect(routed.queued.map((q) => q.channel)).toEqual(['web', 'email', 'log', 'web']);
      const rowsById = await database.db.select().from(messages).where(like(messages.template, 'mail-routed-%'));
      const templateOf = new Map(rowsById.map((r) => [r.id, r.template]));
      expect(routed.queued.map((q) => templateOf.get(q.id))).toEqual([
        'mail-routed-0',
        'mail-routed-1',
        'mail-routed-5',
        'mail-routed-6',
      ]);
      expect(routed.queued.length).toBe(looked.queued.length);
    });

    it('without email set up, leave a stakeholder with no chat undeliverable, as the look-up does', async () => {
      const { looked, routed } = await writtenBoth(database, {}, 'nomail');
      expect(routed.rows[1]).toMatchObject({ channel: null, status: 'undeliverable' });
      expect(withoutTag(routed.rows)).toEqual(withoutTag(looked.rows));
    });

    it('fail the commit when the insert fails, with no unhandled rejection, and nothing is written', async () => {
      const orphan = [
        { to: PEOPLE[0] as Person, message: { caseId: null, instanceId: null, template: 'bad-0', params: {} } },
        // A message without a template breaks the insert's NOT NULL.
        {
          to: PEOPLE[0] as Person,
          message: { caseId: null, instanceId: null, template: null as unknown as string, params: {} },
        },
      ];
      await expect(
        pipelinedTransaction(database.db, [], async (_tx, _opened, later) => insertMessagesLater(orphan, {}, later)),
      ).rejects.toThrow();
      expect(await written(database, 'bad')).toEqual([]);
    });
  });
}

routingSuite('Postgres', () => freshDatabase());
routingSuite('PGlite', () => openDatabase({}));
