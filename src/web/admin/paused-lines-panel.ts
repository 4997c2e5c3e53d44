import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { discardLine, listPausedLines, reopenLine } from '../../db/index.js';
import { html, type SafeHtml } from '../../html.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, isUuid, trOf, userOf, when } from './console-request.js';
import { csrfField } from './layout.js';
import { channelName, recipientWords } from './message-people.js';

const HEALTH = '/admin/health';
const LISTED = 100;
export const PAUSED_LINE_NOTICES = new Set(['line_retried', 'line_retried_later', 'line_discarded', 'line_gone']);
export const GOOD_PAUSED_LINE_NOTICES = new Set(['line_retried', 'line_discarded']);

const back = (reply: FastifyReply, done: string) => reply.redirect(`${HEALTH}?done=${done}#paused`, 303);

/**
 * A paused line is named by its head message's id: the chat's address (a phone number, a chat id)
 * stays out of URLs, forms and request logs.
 */
export function registerPausedLineRoutes(fastify: FastifyInstance, app: ConsoleDeps): void {
  fastify.post<{ Params: { head: string } }>(`${HEALTH}/lines/:head/retry`, async (req, reply) => {
    if (!isUuid(req.params.head)) return back(reply, 'line_gone');
    const reopened = await app.database.db.transaction((tx) => reopenLine(tx, req.params.head));
    if (!reopened) return back(reply, 'line_gone');
    const { line, messageIds } = reopened;
    await audit(app, req, 'line.retry', line.headMessageId, {
      channel: line.channel,
      messages: messageIds.length,
      lastError: line.lastError,
    });
    // The worker sends a chat's messages oldest first whatever order their jobs come in. With Redis
    // away the rows stay pending, unpaused, and the reconciler queues them once it is back.
    try {
      for (const id of messageIds) await app.queues.resendMessage(id, line.channel);
    } catch (err) {
      req.log.warn({ channel: line.channel, err: (err as Error).message }, 'queuing a retried line waits for Redis');
      return back(reply, 'line_retried_later');
    }
    return back(reply, 'line_retried');
  });

  fastify.post<{ Params: { head: string } }>(`${HEALTH}/lines/:head/discard`, async (req, reply) => {
    if (!isUuid(req.params.head)) return back(reply, 'line_gone');
    const discarded = await app.database.db.transaction((tx) => discardLine(tx, req.params.head));
    if (!discarded) return back(reply, 'line_gone');
    await audit(app, req, 'line.discard', discarded.line.headMessageId, {
      channel: discarded.line.channel,
      messages: discarded.discarded,
      lastError: discarded.line.lastError,
    });
    return back(reply, 'line_discarded');
  });
}

/** The paused lines: whose chat, how many wait, since when, the last error, and the two actions. */
export async function pausedLinesPanel(app: ConsoleDeps, req: FastifyRequest, zone: string): Promise<SafeHtml> {
  const tr = trOf(req);
  const user = userOf(req);
  const lines = await listPausedLines(app.database.db, LISTED);
  const who = await recipientWords(app.database.db, req, lines);
  const table =
    lines.length === 0
      ? html`<p>${tr('admin.health.none')}</p>`
      : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.lines.who')}</th><th scope="col">${tr('admin.health.channel')}</th><th scope="col">${tr('admin.lines.waiting')}</th><th scope="col">${tr('admin.lines.since')}</th><th scope="col">${tr('admin.health.error')}</th><th scope="col"><span class="visually-hidden">${tr('admin.lines.actions')}</span></th></tr></thead>
<tbody>${lines.map(
          (line, i) => html`<tr><td>${who[i]}</td><td>${channelName(req, line.channel)}</td>
<td>${tr('admin.lines.count', { count: String(line.waiting) })}</td><td>${when(line.pausedAt, req, zone)}</td><td>${line.lastError ?? '–'}</td>
<td class="actions">
<form method="post" action="${HEALTH}/lines/${line.headMessageId}/retry">${csrfField(user)}<button type="submit">${tr('admin.lines.retry')}</button></form>
<form method="post" action="${HEALTH}/lines/${line.headMessageId}/discard">${csrfField(user)}<button type="submit" class="secondary">${tr('admin.lines.discard')}</button></form>
</td></tr>`,
        )}</tbody></table></div>`;
  return html`<h2 id="paused">${tr('admin.lines.title')}</h2>
<p>${tr('admin.lines.intro')}</p>
${table}`;
}
