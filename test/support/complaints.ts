import type { App } from '../../src/app.js';
import { createLinkCode } from '../../src/db/link-codes.js';
import { addOfficial } from '../../src/db/officials.js';
import { eventually } from './app.js';
import { Chat, type TestChannel, texts } from './chat-driver.js';

export const SMS_ROLES = ['karo-pok', 'kabag-ortala', 'kasubag-tl', 'staf-pelaksana'] as const;
export type SmsRole = (typeof SMS_ROLES)[number];

/** One linked official per SIPUT SMS role in unit "ortala", each the superior of the next; chats by role. */
export async function addSmsOfficials(
  app: App,
  channel: TestChannel,
  nipBase: string,
): Promise<{ chats: Record<SmsRole, Chat>; ids: Record<SmsRole, string> }> {
  const chats = {} as Record<SmsRole, Chat>;
  const ids = {} as Record<SmsRole, string>;
  let superior: string | undefined;
  for (const [i, role] of SMS_ROLES.entries()) {
    const nip = `${nipBase}${i}`;
    ids[role] = await addOfficial(app.database.db, {
      nip,
      name: `Pejabat ${role}`,
      roleId: role,
      unitId: 'ortala',
      superiorNip: superior,
    });
    superior = nip;
    const chat = new Chat(app, channel, `official-${role}-${nipBase}`);
    const { code } = await createLinkCode(app.database.db, nip);
    const reply = await chat.send(`DAFTAR ${code}`);
    if (!texts(reply).includes('tertaut')) throw new Error(`linking ${role} failed: ${texts(reply)}`);
    chats[role] = chat;
  }
  return { chats, ids };
}

export interface FiledComplaint {
  readonly chat: Chat;
  readonly ticket: string;
  /** Everything the stakeholder received up to the receipt. */
  readonly receipt: string;
}

/**
 * A new stakeholder files a keluhan through the chat, rahasia or not, with a subject (`about`) and a
 * file when given; returns the chat and ticket.
 */
export async function fileComplaint(
  app: App,
  channel: TestChannel,
  opts: { name: string; contact?: string; text?: string; rahasia?: boolean; about?: string; file?: string },
): Promise<FiledComplaint> {
  const chat = new Chat(app, channel);
  await chat.send('halo');
  await chat.send('2');
  await chat.press('Keluhan');
  await chat.send(opts.about ?? 'Lewati');
  await chat.send(opts.text ?? 'Dokumen SOP pelayanan tidak dapat diunduh dari situs.');
  if (opts.file) await chat.sendFile(opts.file);
  else await chat.press('Lewati');
  await chat.send(opts.name);
  await chat.send(opts.contact ?? '0812 3456 7890, budi@contoh.go.id');
  await chat.press('Setuju');
  await chat.press(opts.rahasia ? 'Ya, rahasiakan' : 'Tidak');
  const receipt = texts(await chat.press('Kirim'));
  const ticket = /[A-Z]{2,6}-\d{4}-\d{6}/.exec(receipt)?.[0];
  if (!ticket) throw new Error(`no ticket in ${receipt}`);
  return { chat, ticket, receipt };
}

/** The official presses the action labelled `label` on the newest message about `ticket`. */
export async function act(chat: Chat, ticket: string, label: string): Promise<string> {
  await eventually(`${chat.address} to be given ${ticket}`, async () => {
    await chat.settle();
    return chat.received.some(
      (m) => m.text.includes(ticket) && m.choices.some((c) => c.label.toLowerCase().includes(label.toLowerCase())),
    );
  });
  return texts(await chat.press(label));
}

/**
 * Runs a filed SIPUT SMS complaint to its closing: the staff explain and attach the laporan, the
 * kasubag approves, and the last progress note (shown to the reporter) closes it.
 */
export async function closeWithOutcome(officials: Record<SmsRole, Chat>, ticket: string, note: string): Promise<void> {
  const staf = officials['staf-pelaksana'];
  await act(staf, ticket, 'Selesai dengan penjelasan');
  await staf.sendFile('ba-konfirmasi.pdf');
  await staf.sendFile('laporan.pdf');
  await act(officials['kasubag-tl'], ticket, 'Sahkan');
  await officials['kasubag-tl'].press('Lewati');
  await act(staf, ticket, 'progres');
  await staf.send(note);
  await staf.press('Tampilkan ke pelapor');
}
