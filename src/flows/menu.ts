import type { ChatOffer } from '../cases/index.js';
import type { SopDefinition } from '../sop/index.js';
import { setLanguage } from './commands.js';
import type { Choice, Flow, FlowContext } from './context.js';
import { offeredInChat, startRegistration } from './open-case.js';

/** The complaint SOP keeps its old menu value, so buttons sent before an update still work. */
const ASPIRASI = 'menu:aspirasi';

function sopChoice(ctx: FlowContext, sop: SopDefinition): Choice {
  if (sop.id === ctx.deps.complaintSop) return { value: ASPIRASI, label: ctx.t('menu.aspirasi') };
  const label = sop.menuLabel ?? (sop.form === 'pendaftaran' ? { id: sop.title } : { id: ctx.t('menu.aspirasi') });
  return { value: `menu:sop:${sop.id}`, label: (ctx.language === 'en' ? label.en : undefined) ?? label.id };
}

/** Documents, each SOP the unit offers in its order, status, then the person's own items. */
async function menuChoices(ctx: FlowContext): Promise<Choice[]> {
  const choices: Choice[] = [{ value: 'menu:dokumen', label: ctx.t('menu.dokumen') }];
  for (const offer of await offeredInChat(ctx)) choices.push(sopChoice(ctx, offer.sop));
  const items: Array<[string, string]> = [['menu:status', 'menu.status']];
  if (ctx.person?.kind === 'official') items.push(['menu:tugas', 'menu.tugas'], ['menu:baru', 'menu.baru']);
  if (ctx.person?.kind === 'stakeholder') items.push(['menu:identitas', 'menu.identitas']);
  items.push(['menu:bantuan', 'menu.bantuan'], ['menu:bahasa', 'menu.bahasa']);
  return [...choices, ...items.map(([value, key]) => ({ value, label: ctx.t(key) }))];
}

/** Opens the SOP a menu item names, if a unit offers it; anything else is refused politely. */
async function openOffered(ctx: FlowContext, choice: string): Promise<void> {
  const offer = (await offeredInChat(ctx)).find((o) => sopChoice(ctx, o.sop).value === choice);
  if (!offer) {
    const asked = choice.startsWith('menu:sop:') ? choice.slice(9, 49) : ctx.t('menu.aspirasi');
    ctx.say('intake.refused.sop_not_offered', { sop: asked });
    return ctx.go('menu');
  }
  const [only] = offer.units;
  if (offer.units.length === 1 && only) return openIn(ctx, offer.sop, only.id);
  return ctx.go('menu', 'unit', { sop: offer.sop.id });
}

/** The chosen SOP's conversation, for a case that runs in `unitId`. */
function openIn(ctx: FlowContext, sop: SopDefinition, unitId: string): Promise<void> {
  if (sop.form === 'pendaftaran') return startRegistration(ctx, sop, unitId);
  return ctx.go('complaint', 'start', { sop: sop.id, unit: unitId });
}

/** The offer of the SOP being chosen, or (told, and back to the menu) null when no unit offers it now. */
async function offerOf(ctx: FlowContext): Promise<ChatOffer | null> {
  const sopId = (ctx.state.data as { sop?: string }).sop;
  const offer = (await offeredInChat(ctx)).find((o) => o.sop.id === sopId);
  if (offer) return offer;
  ctx.say('intake.refused.sop_not_offered', { sop: (sopId ?? '').slice(0, 40) });
  await ctx.go('menu');
  return null;
}

/** A greeting on its own ("halo", "selamat pagi", "assalamualaikum"): answered with the welcome, not a hint. */
const GREETING =
  /^(halo+|hallo+|hai+|hi+|hello|hey|pagi|siang|sore|malam|permisi|punten|assalamu'?alaikum|selamat (pagi|siang|sore|malam))\b[\s!.,]*\p{L}*[\s!.,]*$/iu;

/** The main menu: where every conversation starts and returns. */
export const menuFlow: Flow = {
  start: {
    async prompt(ctx) {
      const choices = await menuChoices(ctx);
      if (ctx.person?.kind === 'official') ctx.say('menu.prompt.official', { name: ctx.person.name }, choices);
      else ctx.say('menu.prompt', {}, choices);
    },
    async handle(ctx, input) {
      if (input.choice === ASPIRASI || input.choice?.startsWith('menu:sop:')) return openOffered(ctx, input.choice);
      switch (input.choice) {
        case 'menu:dokumen':
          return ctx.go('documents');
        case 'menu:baru':
          return ctx.go('open');
        case 'menu:status':
          return ctx.go('status');
        case 'menu:tugas':
          return ctx.go('tasks');
        case 'menu:identitas':
          return ctx.go('identity', 'name', { after: 'menu' });
        case 'menu:bantuan':
          ctx.say('help.text');
          return ctx.go('menu');
        case 'menu:bahasa':
          return setLanguage(ctx, null);
        default:
          if (input.text && GREETING.test(input.text)) return menuFlow.start?.prompt(ctx);
          ctx.say('menu.hint', {}, await menuChoices(ctx));
      }
    },
  },
  /** An SOP several units offer: the person says which unit the case goes to. */
  unit: {
    async prompt(ctx) {
      const offer = await offerOf(ctx);
      if (!offer) return;
      ctx.say(
        'menu.unit',
        { sop: sopChoice(ctx, offer.sop).label },
        offer.units.map((u) => ({ value: `unit:${u.id}`, label: u.name })),
      );
    },
    async handle(ctx, input) {
      const offer = await offerOf(ctx);
      if (!offer) return;
      const unit = offer.units.find((u) => input.choice === `unit:${u.id}`);
      if (!unit) return void ctx.say('common.choose_hint');
      await openIn(ctx, offer.sop, unit.id);
    },
  },
};
