import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { officials } from '../src/db/schema.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { TestChannel } from './support/chat-driver.js';
import { addSmsOfficials, fileComplaint } from './support/complaints.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
const channel = new TestChannel();

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel] });
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

describe('the case summary in a step message', () => {
  it('names the complaint’s type in the official’s language', async () => {
    const { chats, ids } = await addSmsOfficials(app, channel, '19870101201201400');
    await database.db.update(officials).set({ language: 'en' }).where(eq(officials.id, ids['staf-pelaksana']));
    const { ticket } = await fileComplaint(app, channel, { name: 'Budi Santoso' });
    const staf = chats['staf-pelaksana'];
    const assigned = await eventually('the step message to reach the staff', async () => {
      await staf.settle();
      return staf.received.find((m) => m.text.includes(ticket))?.text;
    });
    expect(assigned).toContain('Type: Complaint');
    expect(assigned).not.toContain('keluhan');
  });
});
