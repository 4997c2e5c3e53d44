import type { InlineKeyboardMarkup, Message } from 'telegraf/types';
import type { OutgoingMessage } from '../../outbox/index.js';

/** Telegram refuses callback_data longer than 64 bytes. */
const CALLBACK_DATA_MAX = 64;

/**
 * The choices as an inline keyboard, one button a row (labels such as task lines are long), each
 * button's callback_data the choice value as it is. A value too long for a button (none the flows
 * make today) is listed by number in the text instead: the flows take "2" for the second choice.
 */
export function keyboardOf(message: Pick<OutgoingMessage, 'text' | 'choices'>): {
  text: string;
  markup: InlineKeyboardMarkup | undefined;
} {
  if (message.choices.length === 0) return { text: message.text, markup: undefined };
  const fits = message.choices.every((c) => Buffer.byteLength(c.value) <= CALLBACK_DATA_MAX);
  if (!fits) {
    const list = message.choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
    return { text: `${message.text}\n\n${list}`, markup: undefined };
  }
  return {
    text: message.text,
    markup: { inline_keyboard: message.choices.map((c) => [{ text: c.label, callback_data: c.value }]) },
  };
}

/** The label of the button that carries `data` on a message the bot sent, if it still has one. */
export function pressedLabel(message: Message | undefined, data: string): string | null {
  const rows = message && 'reply_markup' in message ? (message.reply_markup?.inline_keyboard ?? []) : [];
  for (const row of rows) {
    for (const button of row) if ('callback_data' in button && button.callback_data === data) return button.text;
  }
  return null;
}
