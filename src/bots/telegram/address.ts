/**
 * Outbox addresses of the Telegram channel. A private chat is its chat id, which is also the
 * person's user id. A reply in a group is `<group chat id>/<user id>`: the group is where it goes,
 * the user is who it answers, so a keyboard posted in a group can be bound to that one person.
 */
export interface TelegramAddress {
  readonly chatId: string;
  /** Set for replies in a group: the only person whose presses on its buttons count. */
  readonly ownerId: string | null;
}

export const privateAddress = (chatId: number): string => String(chatId);

export const groupReplyAddress = (chatId: number, userId: number): string => `${chatId}/${userId}`;

export function parseAddress(address: string): TelegramAddress {
  const cut = address.indexOf('/');
  if (cut < 0) return { chatId: address, ownerId: null };
  return { chatId: address.slice(0, cut), ownerId: address.slice(cut + 1) };
}

/** Group and supergroup ids are negative; users' private chats are positive. */
export const isGroupChat = (chatId: string): boolean => chatId.startsWith('-');
