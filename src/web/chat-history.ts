import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { attachments, inboundMessages, messages } from '../db/index.js';
import type { AttachmentLinks } from '../links/index.js';
import { renderMessage } from '../outbox/index.js';
import type { Signer } from '../signing.js';
import { clientIdOf } from './chat-message-key.js';

/** What the person wrote, pressed or sent. */
export interface InboundItem {
  readonly kind: 'in';
  /** The client's message id: the page matches it to the bubble it showed while sending. */
  readonly key: string;
  readonly at: string;
  readonly text?: string;
  readonly choice?: { readonly value: string; readonly label: string };
  readonly attachment?: { readonly name: string };
}

/** What the service sent, as the browser received it live. */
export interface OutboundItem {
  readonly kind: 'out';
  readonly id: string;
  readonly at: string;
  readonly text: string;
  readonly choices: readonly { readonly value: string; readonly label: string }[];
  readonly document?: { readonly url: string; readonly name: string };
}

export type HistoryItem = InboundItem | OutboundItem;

/** The last messages each way that a page shows when it opens; older ones stay in the database. */
const KEEP = 200;

/** A web chat's conversation so far, both directions merged in time order. */
export async function chatHistory(
  db: Db,
  signer: Signer,
  address: string,
  defaultZone: string,
  /** publicBaseUrl, so links in old messages read as they did when sent. */
  publicUrl?: string,
  /** Signs fresh links to a case's files in an official's step messages. */
  attachmentLinks?: AttachmentLinks,
): Promise<HistoryItem[]> {
  const [inbound, outbound] = await Promise.all([
    db
      .select({
        id: inboundMessages.id,
        key: inboundMessages.key,
        text: inboundMessages.text,
        choice: inboundMessages.choice,
        attachmentName: attachments.name,
        at: inboundMessages.receivedAt,
      })
      .from(inboundMessages)
      .leftJoin(attachments, eq(attachments.id, inboundMessages.attachmentId))
      .where(and(eq(inboundMessages.channel, 'web'), eq(inboundMessages.address, address)))
      .orderBy(desc(inboundMessages.id))
      .limit(KEEP),
    db
      .select()
      .from(messages)
      .where(and(eq(messages.channel, 'web'), eq(messages.address, address), eq(messages.status, 'sent')))
      .orderBy(desc(messages.sentAt), desc(messages.seq))
      .limit(KEEP),
  ]);

  // `order` breaks a tie of the same millisecond: a turn's replies are often marked sent together.
  const items: { at: number; order: number; item: HistoryItem }[] = [];
  for (const row of outbound) {
    const at = row.sentAt ?? row.createdAt;
    const { id, text, choices, document } = await renderMessage(db, row, defaultZone, signer, {
      ...(publicUrl ? { publicUrl } : {}),
      ...(attachmentLinks ? { attachmentLinks } : {}),
    });
    items.push({
      at: at.getTime(),
      order: row.seq,
      item: { kind: 'out', id, at: at.toISOString(), text, choices, ...(document ? { document } : {}) },
    });
  }
  for (const row of inbound) {
    // The page's opening (which asked for the welcome menu) is nothing the person said.
    if (!row.text && !row.choice && !row.attachmentName) continue;
    items.push({
      at: row.at.getTime(),
      order: row.id,
      item: {
        kind: 'in',
        // Web keys are never released; the row's own id would stand in for one that were.
        key: row.key === null ? `row-${row.id}` : clientIdOf(address, row.key),
        at: row.at.toISOString(),
        ...(row.text ? { text: row.text } : {}),
        ...(row.choice ? { choice: { value: row.choice, label: row.choice } } : {}),
        ...(row.attachmentName ? { attachment: { name: row.attachmentName } } : {}),
      },
    });
  }
  // A reply is sent after the message it answers; on a tie the person's message comes first, and
  // messages of one side in the order they were written (a chat's are sent in that order).
  const side = (i: HistoryItem) => (i.kind === 'in' ? -1 : 1);
  items.sort((a, b) => a.at - b.at || side(a.item) - side(b.item) || a.order - b.order);
  return withChoiceLabels(items.map((i) => i.item));
}

/** A pressed button shows as its label, found among the choices the service offered before it. */
function withChoiceLabels(items: HistoryItem[]): HistoryItem[] {
  const offered = new Map<string, string>();
  return items.map((item) => {
    if (item.kind === 'out') {
      for (const c of item.choices) offered.set(c.value, c.label);
      return item;
    }
    const label = item.choice && offered.get(item.choice.value);
    return label && item.choice ? { ...item, choice: { value: item.choice.value, label } } : item;
  });
}
