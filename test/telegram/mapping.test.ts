import { TelegramError } from 'telegraf';
import type { Message } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { groupReplyAddress, parseAddress } from '../../src/bots/telegram/address.js';
import { documentIdOf } from '../../src/bots/telegram/documents.js';
import { toChannelError } from '../../src/bots/telegram/errors.js';
import { keyboardOf } from '../../src/bots/telegram/keyboard.js';
import { textForBot, whoAndWhere } from '../../src/bots/telegram/updates.js';
import { webhookSecret } from '../../src/bots/telegram/webhook.js';
import { ChannelRateLimitedError, ChannelRefusedError, ChannelUnreachableError } from '../../src/outbox/errors.js';
import { Signer } from '../../src/signing.js';
import { DownloadLinks } from '../../src/web/download-links.js';

const bot = { id: 42, username: 'siput_bot' };
const user = { id: 7, is_bot: false, first_name: 'Ani' };
const privateChat = { id: 7, type: 'private' as const, first_name: 'Ani' };
const group = { id: -100555, type: 'supergroup' as const, title: 'Ortala' };
const text = (body: string, chat: Message['chat'] = group, extra = {}) =>
  ({ message_id: 1, date: 0, chat, from: user, text: body, ...extra }) as Message;

describe('which group messages are for the bot', () => {
  it('takes commands without a bot name or with its own, never another bot’s', () => {
    expect(textForBot(text('/tugas'), bot, true)).toBe('/tugas');
    expect(textForBot(text('/tugas@SIPUT_bot'), bot, true)).toBe('/tugas@SIPUT_bot');
    expect(textForBot(text('/tugas@lain_bot'), bot, true)).toBeUndefined();
    expect(textForBot(text('/tugas@lain_bot', privateChat), bot, false)).toBeUndefined();
  });

  it('takes replies to the bot and mentions of it (without the mention), and leaves people’s talk alone', () => {
    expect(textForBot(text('rapat jam 10'), bot, true)).toBeUndefined();
    expect(textForBot(text('@siput_bot status SMS-2026-000001'), bot, true)).toBe('status SMS-2026-000001');
    const reply = text('Sudah saya cek', group, {
      reply_to_message: text('Tulis catatan', group, { from: { ...user, id: 42, is_bot: true } }),
    });
    expect(textForBot(reply, bot, true)).toBe('Sudah saya cek');
    expect(textForBot(text('halo', privateChat), bot, false)).toBe('halo');
  });

  it('answers in the group but acts as the sender', () => {
    expect(whoAndWhere(group, user)).toEqual({ address: '7', replyTo: '-100555/7' });
    expect(whoAndWhere(privateChat, user)).toEqual({ address: '7' });
    expect(parseAddress(groupReplyAddress(-100555, 7))).toEqual({ chatId: '-100555', ownerId: '7' });
    expect(parseAddress('7')).toEqual({ chatId: '7', ownerId: null });
  });
});

describe('a failed send', () => {
  const refusal = (code: number, description: string, parameters = {}) =>
    toChannelError(new TelegramError({ error_code: code, description, parameters }));

  it('waits retry_after on 429, without using an attempt', () => {
    const err = refusal(429, 'Too Many Requests: retry after 7', { retry_after: 7 });
    expect(err).toBeInstanceOf(ChannelRateLimitedError);
    expect((err as ChannelRateLimitedError).retryAfterMs).toBe(7000);
  });

  it('gives the address up on 403 and on a chat that does not exist; a bad message is refused alone', () => {
    expect(refusal(403, 'Forbidden: bot was blocked by the user')).toMatchObject({ addressGone: true });
    expect(refusal(403, "Forbidden: bot can't initiate conversation with a user")).toMatchObject({ addressGone: true });
    expect(refusal(400, 'Bad Request: chat not found')).toMatchObject({ addressGone: true });
    const bad = refusal(400, 'Bad Request: message text is empty');
    expect(bad).toBeInstanceOf(ChannelRefusedError);
    expect(bad).toMatchObject({ addressGone: false });
  });

  it('retries on 5xx, 401 and network errors', () => {
    expect(refusal(502, 'Bad Gateway')).toBeInstanceOf(ChannelUnreachableError);
    expect(refusal(401, 'Unauthorized')).toBeInstanceOf(ChannelUnreachableError);
    expect(
      toChannelError(Object.assign(new Error('request failed, reason: ECONNRESET'), { name: 'FetchError' })),
    ).toBeInstanceOf(ChannelUnreachableError);
  });
});

describe('an outgoing message', () => {
  it('puts each choice on its own button, the value as callback_data', () => {
    const { markup } = keyboardOf({
      text: 'Pilih',
      choices: [
        { value: 'a.x', label: 'Setujui' },
        { value: 'back', label: 'Kembali' },
      ],
    });
    expect(markup).toEqual({
      inline_keyboard: [[{ text: 'Setujui', callback_data: 'a.x' }], [{ text: 'Kembali', callback_data: 'back' }]],
    });
  });

  it('lists choices by number when a value is too long for a button', () => {
    const long = 'x'.repeat(65);
    const out = keyboardOf({
      text: 'Pilih',
      choices: [
        { value: long, label: 'Satu' },
        { value: 'b', label: 'Dua' },
      ],
    });
    expect(out).toEqual({ text: 'Pilih\n\n1. Satu\n2. Dua', markup: undefined });
  });

  it('finds the document behind a download link the flows made', () => {
    const links = new DownloadLinks({
      signer: new Signer('a-secret-of-sixteen+'),
      baseUrl: 'https://siput.example.go.id/',
    });
    expect(documentIdOf(links.url('5b0e2a9c-0000-4000-8000-000000000001'))).toBe(
      '5b0e2a9c-0000-4000-8000-000000000001',
    );
    expect(documentIdOf('https://example.com/lain')).toBeNull();
    expect(documentIdOf('bukan url')).toBeNull();
  });
});

describe('the webhook secret', () => {
  it('is stable for a service secret and a bot, and differs for another bot', () => {
    const signer = new Signer('a-secret-of-sixteen+');
    const one = webhookSecret(signer, '123:AAA');
    expect(webhookSecret(signer, '123:BBB')).toBe(one);
    expect(webhookSecret(signer, '456:AAA')).not.toBe(one);
    expect(webhookSecret(new Signer('another-secret-16+'), '123:AAA')).not.toBe(one);
  });
});
