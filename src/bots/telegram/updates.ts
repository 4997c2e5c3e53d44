import type { CallbackQuery, Chat, Message, User } from 'telegraf/types';
import type { Inbound } from '../../flows/index.js';
import { groupReplyAddress, privateAddress } from './address.js';
import { TELEGRAM } from './health.js';

/** The bot itself, from getMe: who a group message must name or answer to be for it. */
export interface BotIdentity {
  readonly id: number;
  readonly username: string;
}

/**
 * The idempotency key of an update: Telegram may deliver the same update_id more than once. It
 * carries the bot's id, since Telegram numbers updates per bot: another bot on the same database
 * (a unit that swapped bots) starts its own numbering, and its updates are not repeats.
 */
export const updateKey = (botId: number, updateId: number) => `tg:${botId}:${updateId}`;

export const isGroup = (chat: Chat) => chat.type === 'group' || chat.type === 'supergroup';

/**
 * Who the message is from and where the answer goes. In a private chat both are the chat. In a
 * group the person is the sender (their link makes them an official, their conversation is theirs)
 * and the answer goes to the group, bound to them.
 */
export function whoAndWhere(chat: Chat, from: User): Pick<Inbound, 'address' | 'replyTo'> {
  if (!isGroup(chat)) return { address: privateAddress(chat.id) };
  return { address: String(from.id), replyTo: groupReplyAddress(chat.id, from.id) };
}

/**
 * The text of a message meant for the bot, or undefined when it is not. In a group that is a
 * command without a bot name or with this bot's, a reply to one of the bot's messages, or a
 * message naming @the_bot (the mention is taken out); the rest is people talking to each other.
 * A command for another bot is never ours. Null: for the bot, with no text (a photo, say).
 */
export function textForBot(message: Message, bot: BotIdentity, group: boolean): string | null | undefined {
  const text = ('text' in message ? message.text : 'caption' in message ? message.caption : undefined) ?? null;
  const command = text ? /^\/\w+(?:@(\w+))?/.exec(text) : null;
  if (command) {
    const target = command[1];
    return !target || target.toLowerCase() === bot.username.toLowerCase() ? text : undefined;
  }
  if (!group) return text;
  if ('reply_to_message' in message && message.reply_to_message?.from?.id === bot.id) return text;
  const mention = new RegExp(`@${bot.username}\\b`, 'i');
  if (text && mention.test(text)) return text.replace(mention, ' ').replace(/\s+/g, ' ').trim();
  return undefined;
}

export function languageHint(from: User | undefined): Pick<Inbound, 'languageHint'> {
  return from?.language_code ? { languageHint: from.language_code } : {};
}

/** A message for the bot, as the flows take it. */
export function messageInbound(
  botId: number,
  updateId: number,
  message: Message,
  from: User,
  text: string | null,
  attachment: Inbound['attachment'] | undefined,
): Inbound {
  return {
    channel: TELEGRAM,
    key: updateKey(botId, updateId),
    ...whoAndWhere(message.chat, from),
    ...(text ? { text } : {}),
    ...(attachment ? { attachment } : {}),
    ...languageHint(from),
  };
}

/** A pressed inline button: the button's value is the choice, as the flows offered it. */
export function pressInbound(botId: number, updateId: number, query: CallbackQuery.DataQuery, chat: Chat): Inbound {
  return {
    channel: TELEGRAM,
    key: updateKey(botId, updateId),
    ...whoAndWhere(chat, query.from),
    choice: query.data,
    ...languageHint(query.from),
  };
}
