import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { linkChannel, stakeholders } from '../db/index.js';
import type { ConversationState, Flow, FlowContext } from './context.js';

/** The version of the consent text people agree to; raise it when the text changes. */
export const CONSENT_VERSION = 'pdp-2026-1';

const email = z.email();

export interface Contact {
  readonly email: string | null;
  readonly phone: string | null;
}

/**
 * Reads "0812 3456 7890, nama@contoh.go.id": at least one valid email or Indonesian number.
 * Returns the first part that is neither, so the person is told exactly what to fix.
 */
export function parseContact(text: string): { contact: Contact } | { invalid: string } {
  let found: { email: string | null; phone: string | null } = { email: null, phone: null };
  for (const part of text
    .split(/[,;\n]| dan | and /)
    .map((p) => p.trim())
    .filter(Boolean)) {
    if (part.includes('@')) {
      if (!email.safeParse(part).success) return { invalid: part };
      found = { ...found, email: part.toLowerCase() };
      continue;
    }
    const phone = parsePhoneNumberFromString(part, 'ID');
    if (!phone?.isValid()) return { invalid: part };
    found = { ...found, phone: phone.number };
  }
  if (!found.email && !found.phone) return { invalid: text.trim() };
  return { contact: found };
}

/** Asks who the person is before something needs it; `resume` is where to go once known. */
export function askIdentity(ctx: FlowContext, resume: ConversationState): Promise<void> {
  return ctx.go('identity', 'name', { resume });
}

/**
 * Why the details are asked, which sets what the person is told: a download is written in the buku
 * tamu, a case needs a way to tell its reporter of each stage, and the menu's "Ubah identitas" is
 * the person's own choice.
 */
type Purpose = 'download' | 'case' | 'self';

function purposeOf(ctx: FlowContext): Purpose {
  const resume = ctx.state.data.resume as ConversationState | 'menu' | undefined;
  if (!resume || resume === 'menu') return 'self';
  return resume.flow === 'documents' ? 'download' : 'case';
}

/** A key with the purpose's own text where it has one (`identity.name.download`), else the plain one. */
const keyFor = (key: string, purpose: Purpose) => (purpose === 'self' ? key : `${key}.${purpose}`);

async function finish(ctx: FlowContext): Promise<void> {
  const resume = ctx.state.data.resume as ConversationState | 'menu' | undefined;
  if (resume && resume !== 'menu') return ctx.go(resume.flow, resume.step, resume.data);
  return ctx.go('menu');
}

export const identityFlow: Flow = {
  name: {
    async prompt(ctx) {
      ctx.say(purposeOf(ctx) === 'download' ? 'identity.name.download' : 'identity.name');
    },
    async handle(ctx, input) {
      const name = input.text?.replace(/\s+/g, ' ').trim() ?? '';
      if (name.length < 2 || name.length > 100 || !/\p{L}/u.test(name)) {
        ctx.say('identity.name_invalid');
        return;
      }
      ctx.state = { ...ctx.state, step: 'contact', data: { ...ctx.state.data, name } };
      await identityFlow.contact?.prompt(ctx);
    },
  },
  contact: {
    async prompt(ctx) {
      const key = purposeOf(ctx) === 'download' ? 'identity.contact.download' : 'identity.contact';
      ctx.say(key, { name: String(ctx.state.data.name ?? '') });
    },
    async handle(ctx, input) {
      const parsed = parseContact(input.text ?? '');
      if ('invalid' in parsed) {
        ctx.say('identity.contact_invalid', { value: parsed.invalid.slice(0, 60) });
        return;
      }
      ctx.state = { ...ctx.state, step: 'consent', data: { ...ctx.state.data, ...parsed.contact } };
      await identityFlow.consent?.prompt(ctx);
    },
  },
  consent: {
    async prompt(ctx) {
      const key = purposeOf(ctx) === 'download' ? 'identity.consent.download' : 'identity.consent';
      ctx.say(key, {}, [
        { value: 'consent:yes', label: ctx.t('identity.consent_yes') },
        { value: 'consent:no', label: ctx.t('identity.consent_no') },
      ]);
    },
    async handle(ctx, input) {
      const purpose = purposeOf(ctx);
      // Declining keeps what was written so far (the draft waits here) and says what cannot happen
      // without consent; the person may still agree, or drop it.
      if (input.choice === 'consent:no') {
        if (purpose === 'self') {
          ctx.say('identity.declined');
          return ctx.go('menu');
        }
        ctx.say(keyFor('identity.declined', purpose), {}, [
          { value: 'consent:yes', label: ctx.t('identity.consent_yes') },
          { value: 'consent:drop', label: ctx.t(keyFor('identity.drop', purpose)) },
        ]);
        return;
      }
      if (input.choice === 'consent:drop') {
        const resume = ctx.state.data.resume as ConversationState;
        if (purpose === 'download') return ctx.go('documents', 'detail', resume.data);
        ctx.say('cancel.done');
        return ctx.go('menu');
      }
      if (input.choice !== 'consent:yes') {
        ctx.say('common.choose_hint');
        return;
      }
      const data = ctx.state.data as { name: string; email: string | null; phone: string | null };
      const values = {
        name: data.name,
        email: data.email,
        phone: data.phone,
        language: ctx.language,
        consentVersion: CONSENT_VERSION,
        consentAt: ctx.now,
      };
      let id: string;
      if (ctx.person?.kind === 'stakeholder') {
        id = ctx.person.id;
        await ctx.tx.update(stakeholders).set(values).where(eq(stakeholders.id, id));
      } else {
        id = randomUUID();
        await ctx.tx.insert(stakeholders).values({ id, ...values });
        await linkChannel(ctx.tx, { kind: 'stakeholder', id }, ctx.inbound.channel, ctx.inbound.address);
      }
      const contact = [data.email, data.phone].filter(Boolean).join(', ');
      ctx.person = { kind: 'stakeholder', id, name: data.name, contact };
      ctx.say('identity.saved', { name: data.name, contact });
      await finish(ctx);
    },
  },
};
