import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { askReporter, UnknownCaseError } from '../../cases/index.js';
import { cases, recordAudit } from '../../db/index.js';
import { html, type SafeHtml } from '../../html.js';
import { t } from '../../i18n/index.js';
import { CaseRejectedError } from '../../sop/index.js';
import { actorOf, field, isAdmin, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import type { SectionOptions } from './plugin.js';
import type { ConsoleUser } from './sessions.js';

/** What the page shows after a request: `sent`, or the engine's refusal code. */
const OUTCOMES = new Set([
  'sent',
  'not_assignee',
  'no_reporter',
  'already_waiting',
  'note_required',
  'stale_step',
  'case_closed',
]);

/** The request's outcome from a page's query string, or null for none (or one the page does not know). */
export function askOutcomeOf(query: { ask?: string }): string | null {
  return query.ask && OUTCOMES.has(query.ask) ? query.ask : null;
}

export interface AskFormOptions {
  readonly user: ConsoleUser;
  readonly language: 'id' | 'en';
  readonly ticket: string;
  readonly instanceId: string;
  /** Where the form posts: the case page's route for admins, the task list's for officials. */
  readonly action: string;
}

/** The line telling how the last request went, above the page's own content. */
export function askOutcomeLine(outcome: string | null, ticket: string, language: 'id' | 'en'): SafeHtml | string {
  if (!outcome) return '';
  if (outcome === 'sent') return html`<p class="ok" role="status">${t(language, 'admin.ask.sent', { ticket })}</p>`;
  return html`<p class="error" role="alert">${t(language, `case.rejected.${outcome}`, { ticket })}</p>`;
}

/** The form that asks the reporter for missing kelengkapan and stops the step's clock. */
export function askReporterForm(opts: AskFormOptions): SafeHtml {
  const tr = (key: string) => t(opts.language, key);
  const id = `ask-${opts.instanceId.replace(/[^A-Za-z0-9_-]/g, '')}`;
  return html`<form method="post" action="${opts.action}" class="stack ask-reporter no-print">
  ${csrfField(opts.user)}
  <input type="hidden" name="ticket" value="${opts.ticket}">
  <input type="hidden" name="instanceId" value="${opts.instanceId}">
  <label for="${id}">${tr('admin.ask.note')}</label>
  <textarea id="${id}" name="note" rows="3" maxlength="2000" required></textarea>
  <button type="submit">${tr('admin.ask.submit')}</button>
</form>`;
}

/**
 * Asking the reporter from the console: an admin from the case page (in the holder's stead, who
 * is told), an official from their task list (only for a step they may act on, as in the chat).
 * Both go through the same request as the chat's button, so the engine checks and records it.
 */
export const reporterRequestSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  const db = app.database.db;

  /** The request, and the page's query string telling how it went. */
  const ask = async (ticket: string, body: unknown, actorId: string, byAdmin: boolean): Promise<string> => {
    const [row] = await db.select({ id: cases.id }).from(cases).where(eq(cases.ticket, ticket));
    if (!row) return 'ask=case_closed';
    const note = field(body, 'note');
    try {
      await askReporter(app.cases, db, {
        caseId: row.id,
        instanceId: field(body, 'instanceId'),
        actorId,
        note,
        byAdmin,
      });
      return 'ask=sent';
    } catch (err) {
      if (err instanceof CaseRejectedError) return `ask=${err.code}`;
      if (err instanceof UnknownCaseError) return 'ask=case_closed';
      throw err;
    }
  };

  fastify.post<{ Params: { ticket: string } }>('/admin/cases/:ticket/minta-kelengkapan', async (req, reply) => {
    const user = userOf(req);
    if (!isAdmin(user))
      return reply.code(403).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.readonly'));
    const ticket = req.params.ticket.toUpperCase();
    const actor = await actorOf(app, user);
    const outcome = await ask(ticket, req.body, actor, true);
    if (outcome === 'ask=sent') {
      await recordAudit(db, {
        actor,
        action: 'case.ask_reporter',
        target: ticket,
        details: { instanceId: field(req.body, 'instanceId') },
        ip: req.ip,
      });
    }
    return reply.redirect(`/admin/cases/${encodeURIComponent(ticket)}?${outcome}#minta-kelengkapan`, 303);
  });

  fastify.post('/admin/tasks/minta-kelengkapan', async (req, reply) => {
    const user = userOf(req);
    if (user.kind !== 'official')
      return reply.code(403).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.forbidden'));
    const ticket = field(req.body, 'ticket').toUpperCase();
    const outcome = await ask(ticket, req.body, user.id, false);
    return reply.redirect(`/admin/tasks?${outcome}&ticket=${encodeURIComponent(ticket)}`, 303);
  });
};
