import { createLoginToken, LOGIN_TOKEN_TTL_MS } from '../db/index.js';
import type { FlowContext } from './context.js';

/**
 * MASUK (/masuk): a linked official gets a one-time link that opens their own tasks in the web
 * console. The link signs in whoever holds it, so it goes only to the official's own chat.
 */
export async function sendConsoleLink(ctx: FlowContext): Promise<void> {
  if (ctx.person?.kind !== 'official') {
    ctx.say('official.only');
    return;
  }
  // In a group (Telegram) the reply would reach every member, and any of them could sign in.
  if (ctx.inbound.replyTo && ctx.inbound.replyTo !== ctx.inbound.address) {
    ctx.say('masuk.private_only');
    return;
  }
  const { token } = await createLoginToken(ctx.tx, ctx.person.id, ctx.now);
  const url = `${ctx.deps.publicUrl.replace(/\/+$/, '')}/admin/masuk/${token}`;
  ctx.say('masuk.link', { url, minutes: String(LOGIN_TOKEN_TTL_MS / 60_000) });
}
