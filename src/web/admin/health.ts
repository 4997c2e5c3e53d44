import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import {
  channelLinks,
  channelStates,
  EMAIL_CHANNEL,
  emailAddressOf,
  type MessageStatus,
  messages,
} from '../../db/index.js';
import { html, type SafeHtml } from '../../html.js';
import { zoneOf } from '../../sop/index.js';
import { qrSvg, telegramUsername, whatsappDetail } from './channel-details.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, isUuid, requireAdmin, sendPage, trOf, userOf, when } from './console-request.js';
import { droppedSendersPanel } from './dropped-senders-panel.js';
import { csrfField } from './layout.js';
import { channelName, messageWords, recipientWords } from './message-people.js';
import {
  GOOD_PAUSED_LINE_NOTICES,
  PAUSED_LINE_NOTICES,
  pausedLinesPanel,
  registerPausedLineRoutes,
} from './paused-lines-panel.js';
import type { SectionOptions } from './plugin.js';
import {
  fixFor,
  registerWhatsAppRoutes,
  WHATSAPP_NOTICES,
  whatsappControls,
  whatsappMessages,
} from './whatsapp-panel.js';

const PATH = '/admin/health';
const LISTED = 200;
/** Channels the service always has, which never write a channel_states row. The log channel (tests,
 * or a service with no chat set up) is not one people use, so it is not listed. */
const BUILT_IN = new Set(['web']);
/** The messages an admin decides about: refused or failed for good, or with nowhere to go. */
const WAITING: MessageStatus[] = ['dead', 'undeliverable'];

type MessageRow = typeof messages.$inferSelect;

/**
 * Queue and channel health: each channel's state (with WhatsApp's pairing QR while it waits to be
 * linked), and the messages that could not go out, to send again or discard. The queue board
 * itself is queue-board.ts, at /admin/queues.
 */
export const healthSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);
  const db = app.database.db;
  registerWhatsAppRoutes(fastify, app);
  registerPausedLineRoutes(fastify, app);

  fastify.get(PATH, async (req, reply) => {
    const tr = trOf(req);
    const zone = app.config.TZ_DEFAULT;
    const [states, waiting] = await Promise.all([
      db.select().from(channelStates).orderBy(asc(channelStates.channel)),
      db
        .select()
        .from(messages)
        .where(inArray(messages.status, WAITING))
        .orderBy(desc(messages.createdAt))
        .limit(LISTED),
    ]);
    const reported = new Set(states.map((s) => s.channel));
    const silent = [...app.channels.keys()].filter(
      (name) => !reported.has(name) && !BUILT_IN.has(name) && name !== 'email' && name !== 'log',
    );
    const done = (req.query as { done?: string }).done;
    const good = new Set(['retried', 'retried_later', 'discarded', 'pair_asked', ...GOOD_PAUSED_LINE_NOTICES]);
    const notice =
      done &&
      (['retried', 'retried_later', 'discarded', 'no_route', 'gone'].includes(done) ||
        WHATSAPP_NOTICES.has(done) ||
        PAUSED_LINE_NOTICES.has(done))
        ? html`<p class="${good.has(done) ? 'notice' : 'error'}" role="status">${tr(`admin.health.${done}`)}</p>`
        : '';
    const body = html`${notice}
<h2 id="channels">${tr('admin.health.channels')}</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.health.channel')}</th><th scope="col">${tr('admin.health.state')}</th><th scope="col">${tr('admin.health.detail')}</th><th scope="col">${tr('admin.health.last_error')}</th><th scope="col">${tr('admin.health.updated')}</th></tr></thead>
<tbody>${await Promise.all(
      states.map(
        async (
          s,
        ) => html`<tr><td>${channelName(req, s.channel)}</td><td>${s.state}</td><td>${await detailOf(req, s, zone)}</td>
<td>${s.lastError ? html`<span class="late">${s.lastError}</span>` : '–'}</td><td>${when(s.updatedAt, req, zone)}</td></tr>`,
      ),
    )}${silent.map((name) => html`<tr><td>${channelName(req, name)}</td><td colspan="4" class="muted">${tr('admin.health.no_state')}</td></tr>`)}${[
      ...BUILT_IN,
    ]
      .filter((name) => app.channels.has(name) && !reported.has(name))
      .map(
        (name) =>
          html`<tr><td>${channelName(req, name)}</td><td colspan="4" class="muted">${tr('admin.health.builtin')}</td></tr>`,
      )}<tr id="email"><td>${channelName(req, 'email')}</td>${
      app.emailFallback.enabled
        ? html`<td>${tr('admin.health.email_on')}</td><td colspan="3" class="muted">${tr('admin.health.email_on_detail')}</td>`
        : html`<td><strong class="late">${tr('admin.health.email_off')}</strong></td><td colspan="3">${tr('admin.health.email_off_detail')}</td>`
    }</tr></tbody>
</table></div>

<h2 id="queues">${tr('admin.health.queues')}</h2>
<p>${tr('admin.health.queues_intro')} <a href="/admin/queues">${tr('admin.health.open_board')}</a></p>

${await pausedLinesPanel(app, req, zone)}

${await droppedSendersPanel(
  { db, dropped: app.droppedMessages, signer: app.signer, limit: app.config.CHAT_MESSAGES_PER_MINUTE },
  req,
  zone,
)}

<h2 id="dead">${tr('admin.health.dead')}</h2>
<p>${tr('admin.health.dead_intro')}</p>
${await messageTable(
  app,
  req,
  waiting.filter((m) => m.status === 'dead'),
  zone,
)}

<h2 id="undeliverable">${tr('admin.health.undeliverable')}</h2>
<p>${tr('admin.health.undeliverable_intro')}</p>
${await messageTable(
  app,
  req,
  waiting.filter((m) => m.status === 'undeliverable'),
  zone,
)}
${app.channels.has('whatsapp') ? await whatsappMessages(app, req, zone) : ''}`;
    return sendPage(req, reply, { title: tr('admin.nav.health'), path: PATH, body });
  });

  fastify.post<{ Params: { id: string } }>(`${PATH}/messages/:id/retry`, async (req, reply) => {
    const row = await waitingMessage(app, req.params.id);
    if (!row) return back(reply, 'gone');
    const route = await routeOf(app, row);
    if (!route) return back(reply, 'no_route');
    const moved = await db
      .update(messages)
      .set({ status: 'pending', attempts: 0, lastError: null, channel: route.channel, address: route.address })
      .where(and(eq(messages.id, row.id), eq(messages.status, row.status)))
      .returning({ id: messages.id });
    if (moved.length === 0) return back(reply, 'gone');
    await audit(app, req, 'message.retry', row.id, {
      was: row.status,
      lastError: row.lastError,
      channel: route.channel,
    });
    // With Redis away (the queuing is bounded, so the page answers at once) the row stays pending
    // and the reconciler queues it once Redis is back: the admin is told so, not left waiting.
    const queued = await app.queues.resendMessage(row.id, route.channel).then(
      () => true,
      (err: Error) => {
        req.log.warn({ messageId: row.id, err: err.message }, 'queuing a retried message waits for Redis');
        return false;
      },
    );
    return back(reply, queued ? 'retried' : 'retried_later');
  });

  fastify.post<{ Params: { id: string } }>(`${PATH}/messages/:id/discard`, async (req, reply) => {
    const row = await waitingMessage(app, req.params.id);
    if (!row) return back(reply, 'gone');
    const moved = await db
      .update(messages)
      .set({ status: 'discarded' })
      .where(and(eq(messages.id, row.id), eq(messages.status, row.status)))
      .returning({ id: messages.id });
    if (moved.length === 0) return back(reply, 'gone');
    await audit(app, req, 'message.discard', row.id, { was: row.status, lastError: row.lastError });
    return back(reply, 'discarded');
  });
};

async function waitingMessage(app: ConsoleDeps, id: string): Promise<MessageRow | undefined> {
  if (!isUuid(id)) return undefined;
  const [row] = await app.database.db
    .select()
    .from(messages)
    .where(and(eq(messages.id, id), inArray(messages.status, WAITING)));
  return row;
}

/**
 * Where a retried message goes: a person's most recently used reachable chat (it may have changed
 * since, e.g. after a blocked bot the official linked WhatsApp instead), else the chat it was for.
 */
async function routeOf(app: ConsoleDeps, row: MessageRow): Promise<{ channel: string; address: string } | null> {
  // An email stays an email (the chat had already failed the person), to the address they have now.
  if (row.channel === EMAIL_CHANNEL) {
    const email = await emailAddressOf(app.database.db, row.recipientId);
    return email && app.channels.has(EMAIL_CHANNEL) ? { channel: EMAIL_CHANNEL, address: email } : null;
  }
  if (row.recipientKind === 'official' || row.recipientKind === 'stakeholder') {
    const [link] = await app.database.db
      .select({ channel: channelLinks.channel, address: channelLinks.address })
      .from(channelLinks)
      .where(
        and(
          eq(channelLinks.ownerKind, row.recipientKind),
          eq(channelLinks.ownerId, row.recipientId),
          eq(channelLinks.active, true),
        ),
      )
      .orderBy(desc(channelLinks.lastSeenAt))
      .limit(1);
    if (link && app.channels.has(link.channel)) return link;
  }
  return row.channel && row.address && app.channels.has(row.channel)
    ? { channel: row.channel, address: row.address }
    : null;
}

const back = (reply: FastifyReply, done: string) => reply.redirect(`${PATH}?done=${done}#dead`, 303);

async function messageTable(
  app: ConsoleDeps,
  req: FastifyRequest,
  rows: readonly MessageRow[],
  zone: string,
): Promise<SafeHtml> {
  const tr = trOf(req);
  const user = userOf(req);
  if (rows.length === 0) return html`<p>${tr('admin.health.none')}</p>`;
  const who = await recipientWords(app.database.db, req, rows);
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.health.created')}</th><th scope="col">${tr('admin.health.recipient')}</th><th scope="col">${tr('admin.health.channel')}</th><th scope="col">${tr('admin.health.message')}</th><th scope="col">${tr('admin.health.attempts')}</th><th scope="col">${tr('admin.health.error')}</th><th scope="col"><span class="visually-hidden">${tr('admin.health.retry')}</span></th></tr></thead>
<tbody>${rows.map(
    (
      m,
      i,
    ) => html`<tr><td>${when(m.createdAt, req, zone)}</td><td>${who[i]}</td><td>${m.channel ? channelName(req, m.channel) : '–'}</td>
<td>${messageWords(m, req, zoneOf(zone))}</td><td>${m.attempts}</td><td>${m.lastError ?? '–'}${m.errorCode ? html`<br><span class="muted">${fixFor(req, m)}</span>` : ''}</td>
<td class="actions">
<form method="post" action="${PATH}/messages/${m.id}/retry">${csrfField(user)}<button type="submit">${tr('admin.health.retry')}</button></form>
<form method="post" action="${PATH}/messages/${m.id}/discard">${csrfField(user)}<button type="submit" class="secondary">${tr('admin.health.discard')}</button></form>
</td></tr>`,
  )}</tbody></table></div>`;
}

/** The detail column: Telegram's bot and mode as written, WhatsApp's pairing QR or code and decrypt errors. */
async function detailOf(
  req: FastifyRequest,
  s: typeof channelStates.$inferSelect,
  zone: string,
): Promise<SafeHtml | string> {
  const tr = trOf(req);
  if (s.channel === 'whatsapp') {
    const d = whatsappDetail(s.detail);
    const parts: (SafeHtml | string)[] = [];
    if (s.state === 'pairing' && d.qr) {
      parts.push(
        html`<p>${tr('admin.health.pair_qr')} <a href="/admin/health">${tr('admin.health.reload')}</a>.</p>${await qrSvg(d.qr, tr('admin.health.pair_qr_label'))}`,
      );
    }
    if (s.state === 'pairing' && d.pairingCode) {
      parts.push(html`<p>${tr('admin.health.pair_code')} <span class="code">${d.pairingCode}</span></p>`);
    }
    if (d.decryptErrors) {
      parts.push(html`<p class="late">${tr('admin.health.decrypt_errors', { count: String(d.decryptErrors) })}</p>`);
    }
    const today = DateTime.now().setZone(zoneOf(zone)).toISODate() ?? '';
    parts.push(whatsappControls(req, s.state, d, today));
    return html`${parts}`;
  }
  if (s.channel === 'telegram') {
    const bot = telegramUsername(s.detail);
    return bot
      ? html`<a href="https://t.me/${bot}">@${bot}</a>${s.detail?.replace(`@${bot}`, '') ?? ''}`
      : (s.detail ?? '');
  }
  return s.detail ?? '';
}
