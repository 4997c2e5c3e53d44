import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { delegations } from '../src/db/schema.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { type Chat, TestChannel, texts } from './support/chat-driver.js';
import { addSmsOfficials, fileComplaint } from './support/complaints.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
const channel = new TestChannel();
let staf: Chat;
let kasubag: Chat;
let ids: Awaited<ReturnType<typeof addSmsOfficials>>['ids'];

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel] });
  const officials = await addSmsOfficials(app, channel, '19790101200401700');
  staf = officials.chats['staf-pelaksana'];
  kasubag = officials.chats['kasubag-tl'];
  ids = officials.ids;
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe('the chat task list of an official standing in (Plh/Plt)', () => {
  it("lists the absent official's steps while the stand-in lasts, and lets them open one", async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Rina Pelapor' });
    await eventually(`the task for ${ticket}`, async () => {
      await staf.settle();
      return staf.received.some((m) => m.text.includes(ticket));
    });
    expect(texts(await kasubag.send('TUGAS'))).not.toContain(ticket);

    const [stand] = await database.db
      .insert(delegations)
      .values({
        officialId: ids['staf-pelaksana'],
        delegateId: ids['kasubag-tl'],
        startsAt: new Date(Date.now() - 3600_000),
        endsAt: new Date(Date.now() + 24 * 3600_000),
        createdBy: 'test',
      })
      .returning();
    await kasubag.send('TUGAS');
    expect(
      kasubag
        .last()
        .choices.map((c) => c.label)
        .join('\n'),
    ).toContain(ticket);
    expect(texts(await kasubag.press(ticket))).toContain(ticket);

    await database.db
      .update(delegations)
      .set({ endsAt: new Date(Date.now() - 1000) })
      .where(eq(delegations.id, stand?.id ?? 0));
    expect(texts(await kasubag.send('TUGAS'))).not.toContain(ticket);
  });
});
