import { and, asc, desc, eq } from 'drizzle-orm';
import { fieldText, outputDocuments, outputUrl } from '../cases/index.js';
import { cases, stepInstances } from '../db/index.js';
import { categoryText, formatMoment, outcomeText } from '../i18n/index.js';
import { zoneOf } from '../sop/index.js';
import type { Flow, FlowContext } from './context.js';
import { reporterHistory } from './reporter-history.js';

const MAX_LISTED = 5;

/** Cek Status: a stakeholder's own tickets, or any ticket an official asks about. */
export const statusFlow: Flow = {
  start: {
    async prompt(ctx) {
      if (ctx.person?.kind !== 'stakeholder') {
        ctx.say('status.ask');
        return;
      }
      const own = await ctx.tx
        .select({ ticket: cases.ticket })
        .from(cases)
        .where(eq(cases.stakeholderId, ctx.person.id))
        .orderBy(desc(cases.openedAt))
        .limit(MAX_LISTED);
      if (own.length === 0) ctx.say('status.ask');
      else
        ctx.say(
          'status.ask_own',
          {},
          own.map((c) => ({ value: `ticket:${c.ticket}`, label: c.ticket })),
        );
    },
    async handle(ctx, input) {
      const ticket = (input.choice?.startsWith('ticket:') ? input.choice.slice(7) : input.text)?.trim().toUpperCase();
      if (!ticket) {
        ctx.say('status.ask');
        return;
      }
      await showStatus(ctx, ticket);
    },
  },
  lookup: {
    async prompt(ctx) {
      await showStatus(ctx, String(ctx.state.data.ticket ?? ''));
    },
    async handle(ctx, input) {
      await statusFlow.start?.handle(ctx, input);
    },
  },
};

/**
 * The stage in plain words and the steps so far with their dates. A stakeholder sees only their own
 * tickets, and an unknown ticket and someone else's read the same, so numbers cannot be probed.
 */
async function showStatus(ctx: FlowContext, ticket: string): Promise<void> {
  const [row] = await ctx.tx.select().from(cases).where(eq(cases.ticket, ticket));
  const allowed =
    row &&
    (ctx.person?.kind === 'official' || (ctx.person?.kind === 'stakeholder' && row.stakeholderId === ctx.person.id));
  if (!row || !allowed) {
    ctx.say('status.not_found', { ticket: ticket.slice(0, 30) });
    ctx.state = { flow: 'status', step: 'start', data: {} };
    return;
  }
  const sop = await ctx.deps.sops.get(row.sopId, row.sopVersion, ctx.tx);
  const words = (stepId: string) => {
    const status = sop?.steps.find((s) => s.id === stepId)?.status;
    return (ctx.language === 'en' ? status?.en : undefined) ?? status?.id ?? stepId;
  };
  const zone = zoneOf(ctx.deps.defaultZone);
  const visits = await ctx.tx
    .select({ stepId: stepInstances.stepId })
    .from(stepInstances)
    .where(and(eq(stepInstances.caseId, row.id)))
    .orderBy(asc(stepInstances.seq));
  // The same list the public status page shows: what the reporter was told, with each tindak lanjut.
  const history = (await reporterHistory(ctx.tx, row.id, ctx.language)).map(
    (h) =>
      `• ${formatMoment(h.at, ctx.language, zone)}: ${h.text}${
        h.tindakLanjut ? `\n  ${ctx.t('case.tindak_lanjut', { text: h.tindakLanjut })}` : ''
      }`,
  );
  if (row.status === 'closed') {
    for (const d of await outputDocuments(ctx.tx, row.id))
      history.push(
        `• ${ctx.t('case.document_link', { name: d.name, url: outputUrl(ctx.deps.publicUrl, ctx.deps.signer, d.id, ctx.now) })}`,
      );
  }
  const current = visits.at(-1);
  // The case's own fields (seed 004: the SOP document's number, revision, category) as the SOP names them.
  const fields = (sop?.fields ?? [])
    .filter((f) => row.fields[f.id])
    .map(
      (f) =>
        `${(ctx.language === 'en' ? f.label.en : undefined) ?? f.label.id}: ${fieldText(f, row.fields[f.id], ctx.language)}\n`,
    );
  ctx.say('status.detail', {
    ticket: row.ticket,
    fields: fields.join(''),
    category: (sop?.fields ?? []).some((f) => f.tracking === 'kategori')
      ? (sop?.title ?? '-')
      : categoryText(ctx.language, row.category),
    status: row.status === 'closed' ? outcomeText(ctx.language, row.outcome) : current ? words(current.stepId) : '-',
    history: history.join('\n'),
  });
  ctx.state = { flow: 'menu', step: 'start', data: {} };
}
