import type { Redis } from 'ioredis';
import type { Context } from 'telegraf';
import type { CallbackQuery, MaybeInaccessibleMessage, Message } from 'telegraf/types';
import type { Logger } from '../../log.js';
import { describeFailure } from './errors.js';
import { pressedLabel } from './keyboard.js';
import { ownerKey } from './sender.js';

/** Pressed-button records outlive any keyboard still on screen that the edit failed to remove. */
const PRESSED_TTL_S = 30 * 24 * 3600;
const TEXT_MAX = 4096;
const CAPTION_MAX = 1024;

export type PressContext = Context & { callbackQuery: CallbackQuery.DataQuery; update: { update_id: number } };

export class Buttons {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  /** False when a keyboard posted in a group was for someone else (see address.ts). */
  async isPressersOwn(chatId: number, messageId: number, userId: number): Promise<boolean> {
    const owner = await this.redis.get(ownerKey(this.prefix, chatId, messageId));
    return owner === null || owner === String(userId);
  }

  /**
   * Takes the message's one choice for this update. A second press (a double tap, or another
   * button of the same keyboard before the edit removed it) gets false; the same update delivered
   * again gets true, to finish what a crash interrupted.
   */
  async claim(chatId: number, messageId: number, updateId: number): Promise<boolean> {
    const key = `${this.prefix}:tg:pressed:${chatId}:${messageId}`;
    if ((await this.redis.set(key, String(updateId), 'EX', PRESSED_TTL_S, 'NX')) === 'OK') return true;
    return (await this.redis.get(key)) === String(updateId);
  }

  /** Stops the spinner on the button; Telegram forgets queries after a while, which is no failure. */
  async answer(ctx: PressContext, text?: string): Promise<void> {
    try {
      await ctx.answerCbQuery(text);
    } catch (err) {
      this.log.debug({ err: describeFailure(err) }, 'answerCallbackQuery failed');
    }
  }

  /**
   * Shows on the message what was chosen and takes its keyboard away, so an old keyboard cannot
   * act twice. The flows refuse stale action buttons too; this is what the person sees.
   */
  async showChosen(ctx: PressContext, message: MaybeInaccessibleMessage | undefined): Promise<void> {
    // An inaccessible message (date 0) is too old to read; its keyboard can still be taken away.
    const shown = message && message.date !== 0 ? (message as Message) : undefined;
    const label = pressedLabel(shown, ctx.callbackQuery.data);
    const mark = (body: string) => `${body}\n\n✅ ${label}`;
    const none = { inline_keyboard: [] };
    try {
      if (label && shown && 'text' in shown && mark(shown.text).length <= TEXT_MAX) {
        await ctx.editMessageText(mark(shown.text), {
          reply_markup: none,
          link_preview_options: { is_disabled: true },
        });
      } else if (label && shown && 'caption' in shown && mark(shown.caption ?? '').length <= CAPTION_MAX) {
        await ctx.editMessageCaption(mark(shown.caption ?? ''), { reply_markup: none });
      } else {
        await ctx.editMessageReplyMarkup(none);
      }
    } catch (err) {
      // Too old to edit, or already edited: the claim still keeps a second press from acting.
      this.log.debug({ err: describeFailure(err) }, 'could not mark the chosen button');
    }
  }
}
