import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { attachments } from '../../src/db/schema.js';
import { PDF, TEXT } from '../support/files.js';
import { freshDatabase } from '../support/postgres.js';
import { FakeWhatsApp, incoming } from './support/fake-whatsapp.js';
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

/** A new chat at the complaint's "any attachment?" step. */
async function atAttachmentStep(phone: string): Promise<WhatsAppPerson> {
  const person = new WhatsAppPerson(app, wa, phone);
  await person.say('halo');
  await person.choose('Saran/Keluhan');
  await person.choose('Keluhan');
  await person.choose('Lewati');
  await person.say('Formulir di situs tidak bisa dikirim.');
  expect(person.lastText()).toContain('Ada lampiran');
  return person;
}

describe('a file sent on WhatsApp', () => {
  it('is stored when it is a PDF, under the name the phone gave', async () => {
    const person = await atAttachmentStep('6282000000001@s.whatsapp.net');
    expect((await person.sendDocument('surat-keluhan.pdf', PDF)).join('\n')).toContain(
      'Lampiran diterima: surat-keluhan.pdf',
    );
  });

  it('is not taken when its content is not what the store accepts, and the flow asks again', async () => {
    const person = await atAttachmentStep('6282000000002@s.whatsapp.net');
    const before = (await database.db.select().from(attachments)).length;
    expect((await person.sendDocument('bukan-pdf.pdf', TEXT)).join('\n')).toContain(
      'Kami menunggu berkas foto, PDF, Word atau Excel',
    );
    expect(await database.db.select().from(attachments)).toHaveLength(before);
  });

  it('is not downloaded when it announces more than the store takes, nor kept when the download fails', async () => {
    const person = await atAttachmentStep('6282000000003@s.whatsapp.net');
    const before = wa.downloads;
    const huge = incoming(person.jid, {
      documentMessage: { fileName: 'pindaian.pdf', mimetype: 'application/pdf', fileLength: 50 * 1024 * 1024 },
    });
    wa.current.receive(huge);
    expect((await person.settle(huge.key.id ?? '')).join('\n')).toContain(
      'Kami menunggu berkas foto, PDF, Word atau Excel',
    );
    expect(wa.downloads).toBe(before);

    const lost = incoming(person.jid, { imageMessage: { mimetype: 'image/jpeg', fileLength: 2048 } });
    wa.current.receive(lost);
    expect((await person.settle(lost.key.id ?? '')).join('\n')).toContain(
      'Kami menunggu berkas foto, PDF, Word atau Excel',
    );
    expect(wa.downloads).toBe(before + 1);
  });
});
