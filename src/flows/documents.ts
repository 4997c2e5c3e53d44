import type { Flow, FlowContext } from './context.js';
import { askIdentity } from './identity.js';

const LISTED = 8;

async function list(ctx: FlowContext, query: string | null): Promise<void> {
  const found = await ctx.deps.documents.search(ctx.tx, query, LISTED);
  if (found.length === 0) {
    ctx.say('documents.none');
    return;
  }
  ctx.say(
    'documents.prompt',
    {},
    found.map((d) => ({ value: `doc:${d.id}`, label: `${d.number} — ${d.title}`.slice(0, 60) })),
  );
}

/** Dokumen: browse or search published documents, read the synopsis, download (logged in the buku tamu). */
export const documentsFlow: Flow = {
  start: {
    async prompt(ctx) {
      await list(ctx, null);
    },
    async handle(ctx, input) {
      if (input.choice?.startsWith('doc:')) return ctx.go('documents', 'detail', { documentId: input.choice.slice(4) });
      const query = input.text?.trim().slice(0, 100) || null;
      await list(ctx, query);
    },
  },
  detail: {
    async prompt(ctx) {
      const doc = await ctx.deps.documents.get(ctx.tx, String(ctx.state.data.documentId));
      if (!doc) return ctx.go('documents');
      ctx.say(
        'documents.detail',
        { number: doc.number, title: doc.title, revision: String(doc.revision), synopsis: doc.synopsis },
        [
          { value: 'download', label: ctx.t('documents.download') },
          { value: 'back', label: ctx.t('common.back') },
        ],
      );
    },
    async handle(ctx, input) {
      if (input.choice === 'back') return ctx.go('documents');
      if (input.choice !== 'download') {
        ctx.say('common.choose_hint');
        return;
      }
      if (ctx.person?.kind !== 'stakeholder' && ctx.person?.kind !== 'official') {
        return askIdentity(ctx, { flow: 'documents', step: 'send', data: ctx.state.data });
      }
      await send(ctx);
    },
  },
  send: {
    async prompt(ctx) {
      await send(ctx);
    },
    async handle(ctx, input) {
      await documentsFlow.start?.handle(ctx, input);
    },
  },
};

async function send(ctx: FlowContext): Promise<void> {
  const doc = await ctx.deps.documents.get(ctx.tx, String(ctx.state.data.documentId));
  if (!doc) return ctx.go('documents');
  const stakeholderId = ctx.person?.kind === 'stakeholder' ? ctx.person.id : null;
  await ctx.deps.documents.recordDownload(ctx.tx, doc.id, stakeholderId, ctx.inbound.channel);
  const link = ctx.deps.documents.downloadUrl(doc.id);
  ctx.replies.push({
    text: ctx.t('documents.link', { title: doc.title, url: link.url, hours: String(link.validHours) }),
    choices: [],
    document: { url: link.url, name: doc.fileName },
  });
  ctx.state = { flow: 'documents', step: 'start', data: {} };
}
