import { eq } from 'drizzle-orm';
import { officials, stakeholders } from '../db/index.js';
import { isActionToken } from './action-token.js';
import { answerConfirm } from './confirm.js';
import { isConfirmToken } from './confirm-token.js';
import { sendConsoleLink } from './console-link.js';
import type { FlowContext } from './context.js';
import { linkOfficial, pressActionToken } from './official.js';
import { pressReporterWait } from './reporter-wait.js';
import { isReporterWaitToken } from './reporter-wait-token.js';
import { answerSurveyToken } from './survey.js';
import { isSurveyToken } from './survey-token.js';

const TICKET = /^[A-Z]{2,6}-\d{4}-\d{6}$/i;
const CODE = /^[A-Z0-9]{6,12}$/i;
const LANGUAGE = /^(id|en|indonesia|english|inggris)$/i;

/**
 * Words that work anywhere in a conversation: MENU, BATAL, BANTUAN, STATUS <tiket>, DAFTAR <kode>,
 * TUGAS, BARU, MASUK, DOKUMEN, BAHASA <id|en> (with or without "/", Telegram's "/cmd@bot" too), and signed
 * action buttons. Without "/", a word counts only alone or with an argument of the right shape,
 * so a complaint that starts with "Menu di situs…" stays a complaint.
 */
export async function routeCommand(ctx: FlowContext, text: string | null, choice: string | null): Promise<boolean> {
  if (choice && isActionToken(choice)) {
    await pressActionToken(ctx, choice);
    return true;
  }
  if (choice && isConfirmToken(choice)) {
    await answerConfirm(ctx, choice);
    return true;
  }
  if (choice && isReporterWaitToken(choice)) {
    await pressReporterWait(ctx, choice);
    return true;
  }
  if (choice && isSurveyToken(choice)) {
    await answerSurveyToken(ctx, choice);
    return true;
  }
  // A button whose value is a command (the receipt's "/status <tiket>") works like the typed command.
  const command = choice?.startsWith('/') ? choice : text;
  if (!command) return false;
  const match = /^(\/?)([a-z]+)(?:@\w+)?(?:\s+(\S.*))?$/i.exec(command);
  if (!match) return false;
  const slash = match[1] === '/';
  const name = (match[2] ?? '').toLowerCase();
  const arg = match[3]?.trim() ?? null;
  const argOk = (shape: RegExp) => arg === null || slash || shape.test(arg);

  switch (name) {
    case 'batal':
    case 'cancel':
      if (arg && !slash) return false;
      ctx.say('cancel.done');
      await ctx.go('menu');
      return true;
    case 'menu':
    case 'start':
      if (arg && name === 'start') {
        await linkOfficial(ctx, arg);
        return true;
      }
      if (arg && !slash) return false;
      await ctx.go('menu');
      return true;
    case 'daftar':
      if (!arg || !(slash || CODE.test(arg))) return false;
      await linkOfficial(ctx, arg);
      return true;
    case 'bahasa':
    case 'lang':
    case 'language':
      if (!argOk(LANGUAGE)) return false;
      await setLanguage(ctx, arg);
      return true;
    case 'status':
    case 'cek':
      if (!argOk(TICKET)) return false;
      await ctx.go('status', arg ? 'lookup' : 'start', arg ? { ticket: arg.toUpperCase() } : {});
      return true;
    case 'baru':
    case 'new':
      if (arg && !slash) return false;
      await ctx.go('open');
      return true;
    case 'tugas':
    case 'tasks':
      if (arg && !slash) return false;
      await ctx.go('tasks');
      return true;
    case 'masuk':
    case 'login':
      if (arg && !slash) return false;
      await sendConsoleLink(ctx);
      return true;
    case 'dokumen':
    case 'documents':
      if (arg && !slash) return false;
      await ctx.go('documents');
      return true;
    case 'bantuan':
    case 'help':
      if (arg && !slash) return false;
      ctx.say('help.text');
      await ctx.go('menu');
      return true;
    default:
      return false;
  }
}

/** BAHASA EN / BAHASA ID, or BAHASA alone to switch to the other one; the person's messages follow. */
export async function setLanguage(ctx: FlowContext, arg: string | null): Promise<void> {
  const wanted = arg ? (/^(en|english|inggris)$/i.test(arg) ? 'en' : 'id') : ctx.language === 'id' ? 'en' : 'id';
  ctx.language = wanted;
  if (ctx.person?.kind === 'official') {
    await ctx.tx.update(officials).set({ language: wanted }).where(eq(officials.id, ctx.person.id));
  } else if (ctx.person?.kind === 'stakeholder') {
    await ctx.tx.update(stakeholders).set({ language: wanted }).where(eq(stakeholders.id, ctx.person.id));
  }
  ctx.say('lang.set');
  await ctx.go(ctx.state.flow, ctx.state.step, ctx.state.data);
}
