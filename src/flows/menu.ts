import { setLanguage } from './commands.js';
import type { Choice, Flow, FlowContext } from './context.js';

function menuChoices(ctx: FlowContext): Choice[] {
  const items: Array<[string, string]> = [
    ['menu:dokumen', 'menu.dokumen'],
    ['menu:aspirasi', 'menu.aspirasi'],
    ['menu:status', 'menu.status'],
  ];
  if (ctx.person?.kind === 'official') items.push(['menu:tugas', 'menu.tugas']);
  if (ctx.person?.kind === 'stakeholder') items.push(['menu:identitas', 'menu.identitas']);
  items.push(['menu:bantuan', 'menu.bantuan'], ['menu:bahasa', 'menu.bahasa']);
  return items.map(([value, key]) => ({ value, label: ctx.t(key) }));
}

/** The main menu: where every conversation starts and returns. */
export const menuFlow: Flow = {
  start: {
    async prompt(ctx) {
      if (ctx.person?.kind === 'official') ctx.say('menu.prompt.official', { name: ctx.person.name }, menuChoices(ctx));
      else ctx.say('menu.prompt', {}, menuChoices(ctx));
    },
    async handle(ctx, input) {
      switch (input.choice) {
        case 'menu:dokumen':
          return ctx.go('documents');
        case 'menu:aspirasi':
          return ctx.go('complaint');
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
          ctx.say('menu.hint', {}, menuChoices(ctx));
      }
    },
  },
};
