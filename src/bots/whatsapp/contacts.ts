import { isLidUser, isPnUser, jidNormalizedUser } from '@whiskeysockets/baileys';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { whatsappContacts } from '../../db/index.js';
import type { Logger } from '../../log.js';
import { mergeChats } from './chat-merge.js';
import type { ChatRef } from './chat-ref.js';

/** Baileys' own LID store, asked when our table does not know a LID yet. */
export type LidLookup = (lid: string) => Promise<string | null>;

/**
 * WhatsApp shows the same person sometimes as a phone JID (…@s.whatsapp.net) and sometimes as a
 * LID (…@lid), with the other one beside it only when it feels like it (Baileys #1718, #1768).
 * A chat's address is the phone JID whenever one is known, so a returning person is the same chat
 * and the same channel link; a LID never seen with its phone number stays the address until the
 * pair is learnt, and then its chat is merged into the phone number's (see mergeChats).
 */
export class WhatsAppContacts {
  constructor(
    private readonly db: Db,
    private readonly chatRef: ChatRef,
    private readonly log: Logger,
  ) {}

  async remember(lid: string, phoneJid: string): Promise<void> {
    const key = jidNormalizedUser(lid);
    const phone = jidNormalizedUser(phoneJid);
    if (!isLidUser(key) || !isPnUser(phone)) return;
    const [known] = await this.db
      .select({ phoneJid: whatsappContacts.phoneJid })
      .from(whatsappContacts)
      .where(eq(whatsappContacts.lid, key));
    if (known?.phoneJid === phone) return;
    await this.db
      .insert(whatsappContacts)
      .values({ lid: key, phoneJid: phone })
      .onConflictDoUpdate({ target: whatsappContacts.lid, set: { phoneJid: phone, updatedAt: sql`now()` } });
    // A pair learnt now: whatever happened under the LID alone belongs to the phone number's chat.
    const merged = await mergeChats(this.db, key, phone, this.chatRef);
    if (merged) this.log.info({ chat: this.chatRef(phone), casesMoved: merged.casesMoved }, 'whatsapp LID chat merged');
  }

  /** The chat address of a sender seen as `jid`, with `alt` the other form when the message carried it. */
  async addressOf(jid: string, alt: string | null | undefined, lookup?: LidLookup): Promise<string> {
    const main = jidNormalizedUser(jid);
    const other = alt ? jidNormalizedUser(alt) : undefined;
    if (!isLidUser(main)) {
      if (other && isLidUser(other)) await this.remember(other, main);
      return main;
    }
    if (other && isPnUser(other)) {
      await this.remember(main, other);
      return other;
    }
    const [row] = await this.db
      .select({ phoneJid: whatsappContacts.phoneJid })
      .from(whatsappContacts)
      .where(eq(whatsappContacts.lid, main));
    if (row) return row.phoneJid;
    const found = await lookup?.(main).catch(() => null);
    if (found && isPnUser(jidNormalizedUser(found))) {
      await this.remember(main, found);
      return jidNormalizedUser(found);
    }
    return main;
  }
}
