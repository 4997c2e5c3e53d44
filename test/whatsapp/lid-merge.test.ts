import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { linkChannel } from '../../src/db/officials.js';
import { auditLog, cases, channelLinks, conversations, stakeholders } from '../../src/db/schema.js';
import { eventually } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, textMessage } from './support/fake-whatsapp.js';
import { WhatsAppPerson, whatsappApp, whatsappConfig } from './support/whatsapp-app.js';

const wa = new FakeWhatsApp();
let database: Database;
let app: App;

beforeAll(async () => {
  database = await freshDatabase();
  ({ app } = await whatsappApp(database, whatsappConfig(), wa));
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

/** A stakeholder who filed a case from the chat at `address`. */
async function reporterAt(address: string, name: string): Promise<{ id: string; caseId: string }> {
  const id = randomUUID();
  await database.db.insert(stakeholders).values({ id, name, email: null, phone: null });
  await linkChannel(database.db, { kind: 'stakeholder', id }, 'whatsapp', address);
  const { caseId } = await app.cases.submit({
    sopId: app.config.COMPLAINT_SOP,
    unitId: app.config.DEFAULT_UNIT,
    stakeholderId: id,
    category: 'keluhan',
    body: `Keluhan ${name}`,
  });
  return { id, caseId };
}

const linksAt = (address: string) =>
  database.db
    .select()
    .from(channelLinks)
    .where(and(eq(channelLinks.channel, 'whatsapp'), eq(channelLinks.address, address)));
const conversationAt = (address: string) =>
  database.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.channel, 'whatsapp'), eq(conversations.address, address)));
const ownerOf = async (caseId: string) =>
  (await database.db.select({ s: cases.stakeholderId }).from(cases).where(eq(cases.id, caseId)))[0]?.s;
const merges = () => database.db.select().from(auditLog).where(eq(auditLog.action, 'whatsapp.merge_chat'));

describe('a chat WhatsApp first showed only by its LID', () => {
  it('becomes the phone number’s chat when a message reveals the number: one person, their case, audited', async () => {
    const lid = '99100000000001@lid';
    const phone = '6282300000001@s.whatsapp.net';
    const rina = await reporterAt(lid, 'Rina');
    await new WhatsAppPerson(app, wa, lid).say('halo');
    expect(await conversationAt(lid)).toHaveLength(1);

    // The same person, now addressed by phone number with the LID beside it.
    const menu = textMessage(phone, 'MENU', { alt: lid });
    wa.current.receive(menu);
    const answers = await new WhatsAppPerson(app, wa, phone).settle(menu.key.id ?? '');
    expect(answers.join('\n')).toContain('Silakan pilih menu');
    const [link] = await linksAt(phone);
    expect(link).toMatchObject({ ownerKind: 'stakeholder', ownerId: rina.id });
    expect(await linksAt(lid)).toHaveLength(0);
    expect(await conversationAt(lid)).toHaveLength(0);
    expect(await conversationAt(phone)).toHaveLength(1);
    expect(await ownerOf(rina.caseId)).toBe(rina.id);
    const [audit] = await merges();
    expect(audit?.actor).toBe('system');
    expect(audit?.details).toMatchObject({ person: { kind: 'stakeholder', id: rina.id } });
    // Personal data stays out of the audit: the chats are named by keyed hashes.
    expect(JSON.stringify(audit)).not.toContain('6282300000001');
  });
});

describe('a person known by phone number who turned up as a stranger under their LID', () => {
  it('is one person again, with both cases, once WhatsApp maps the LID to the number', async () => {
    const lid = '99100000000002@lid';
    const phone = '6282300000002@s.whatsapp.net';
    const known = await reporterAt(phone, 'Budi');
    const stranger = await reporterAt(lid, 'Budi Santoso');

    wa.current.ev.emit('lid-mapping.update', { lid, pn: phone });
    await eventually('the merge', async () => (await linksAt(lid)).length === 0);
    expect(await ownerOf(known.caseId)).toBe(known.id);
    expect(await ownerOf(stranger.caseId)).toBe(known.id);
    expect(await database.db.select().from(stakeholders).where(eq(stakeholders.id, stranger.id))).toHaveLength(0);
    const [link] = await linksAt(phone);
    expect(link?.ownerId).toBe(known.id);
    const audit = (await merges()).find((a) => (a.details as { mergedStakeholder?: string }).mergedStakeholder);
    expect(audit?.details).toMatchObject({ mergedStakeholder: stranger.id, casesMoved: 1 });

    // Writing as the LID now reaches the same person's chat.
    const answers = await new WhatsAppPerson(app, wa, phone, lid).say('halo');
    expect(answers.join('\n')).toContain('Silakan pilih menu');
    expect(await conversationAt(lid)).toHaveLength(0);
  });
});
