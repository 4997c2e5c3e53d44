import {
  getContentType,
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  jidNormalizedUser,
  NO_MESSAGE_FOUND_ERROR_TEXT,
  normalizeMessageContent,
  proto,
  type WAMessage,
} from '@whiskeysockets/baileys';

/** A photo or document attached to an incoming message, before it is downloaded. */
export interface IncomingMedia {
  readonly kind: 'image' | 'document';
  /** The name the sender's phone gave (documents only). */
  readonly name: string | null;
  /** Bytes, as the message announces them; checked before downloading. */
  readonly size: number | null;
}

/** What one upserted message means to SIPUT. */
export type Incoming =
  | { readonly kind: 'ignored'; readonly reason: IgnoredReason }
  | { readonly kind: 'undecryptable'; readonly error: string }
  | {
      readonly kind: 'message';
      readonly id: string;
      /** The chat as Baileys keyed it: a person's JID (phone or LID), or the group's. */
      readonly chat: string;
      /** The person who wrote, as Baileys keyed them, and the other form of it when the message carried it. */
      readonly sender: string;
      readonly senderAlt: string | null;
      /** Set when the message came from a configured group. */
      readonly group: string | null;
      readonly text: string | null;
      readonly media: IncomingMedia | null;
      /** The id of the message this one quotes (a reply), if any. */
      readonly quotedId: string | null;
    };

export type IgnoredReason = 'from_me' | 'status' | 'broadcast' | 'newsletter' | 'group' | 'not_a_message';

const CIPHERTEXT = proto.WebMessageInfo.StubType.CIPHERTEXT;

// Message types that carry nothing a person wrote: receipts of edits and deletions, reactions,
// key exchanges, poll votes, pins.
const NOT_WRITTEN = new Set<string>([
  'protocolMessage',
  'reactionMessage',
  'encReactionMessage',
  'senderKeyDistributionMessage',
  'messageContextInfo',
  'pollUpdateMessage',
  'keepInChatMessage',
  'pinInChatMessage',
]);

/**
 * Reads a message from messages.upsert. Ours (fromMe), status updates, broadcast lists,
 * channels and groups not configured are ignored; a message WhatsApp could not decrypt is reported
 * as such, since WhatsApp asks the sender to send it again under the same key.
 */
export function readIncoming(message: WAMessage, groups: ReadonlySet<string>): Incoming {
  const { key } = message;
  const chat = key.remoteJid ?? '';
  if (key.fromMe) return ignored('from_me');
  if (isJidStatusBroadcast(chat)) return ignored('status');
  if (isJidBroadcast(chat)) return ignored('broadcast');
  if (isJidNewsletter(chat)) return ignored('newsletter');
  const inGroup = isJidGroup(chat) === true;
  if (inGroup && !groups.has(jidNormalizedUser(chat))) return ignored('group');

  if (message.messageStubType === CIPHERTEXT) {
    const error = String(message.messageStubParameters?.[0] ?? 'unknown');
    // "Absent from node" is an unencrypted placeholder WhatsApp fills in later, not a broken session.
    return error === NO_MESSAGE_FOUND_ERROR_TEXT ? ignored('not_a_message') : { kind: 'undecryptable', error };
  }

  const content = normalizeMessageContent(message.message);
  const type = getContentType(content);
  if (!content || !type || NOT_WRITTEN.has(type) || !key.id) return ignored('not_a_message');
  const sender = inGroup ? (key.participant ?? '') : chat;
  if (!sender) return ignored('not_a_message');

  const inner = content[type] as { contextInfo?: proto.IContextInfo | null } | string | null | undefined;
  const context = typeof inner === 'object' ? inner?.contextInfo : undefined;
  return {
    kind: 'message',
    id: key.id,
    chat: jidNormalizedUser(chat),
    sender,
    senderAlt: (inGroup ? key.participantAlt : key.remoteJidAlt) ?? null,
    group: inGroup ? jidNormalizedUser(chat) : null,
    text: textOf(content),
    media: mediaOf(content),
    quotedId: context?.stanzaId ?? null,
  };
}

function ignored(reason: IgnoredReason): Incoming {
  return { kind: 'ignored', reason };
}

function textOf(content: proto.IMessage): string | null {
  const text =
    content.conversation ??
    content.extendedTextMessage?.text ??
    content.imageMessage?.caption ??
    content.documentMessage?.caption ??
    content.videoMessage?.caption;
  return text?.trim() ? text : null;
}

function mediaOf(content: proto.IMessage): IncomingMedia | null {
  if (content.imageMessage) {
    return { kind: 'image', name: null, size: sizeOf(content.imageMessage.fileLength) };
  }
  if (content.documentMessage) {
    const doc = content.documentMessage;
    return { kind: 'document', name: doc.fileName ?? doc.title ?? null, size: sizeOf(doc.fileLength) };
  }
  return null;
}

function sizeOf(length: number | { toNumber(): number } | null | undefined): number | null {
  if (length === null || length === undefined) return null;
  return typeof length === 'number' ? length : length.toNumber();
}
