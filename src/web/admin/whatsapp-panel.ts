import { and, desc, eq, gt, inArray, isNotNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { askToPair, WARN_SHARE } from '../../bots/index.js';
import { channelStates, messages } from '../../db/index.js';
import { html, type SafeHtml } from '../../html.js';
import { zoneOf } from '../../sop/index.js';
import type { WhatsAppDetail } from './channel-details.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, field, trOf, userOf, when } from './console-request.js';
import { csrfField } from './layout.js';
import { messageWords, recipientWords } from './message-people.js';

const HEALTH = '/admin/health';
/** States in which the socket stopped for good and waits for an admin. */
const HALTED = new Set(['logged_out', 'replaced']);
const LISTED = 100;
/** Refusals shown: the last week's, long enough to see who keeps being refused. */
const REFUSED_DAYS = 7;

type MessageRow = typeof messages.$inferSelect;

/**
 * WhatsApp's part of the channel page: the pairing form after a logout, the daily cap's use, the
 * messages held back by it, and the messages WhatsApp refused, with how to fix each.
 */
export function registerWhatsAppRoutes(fastify: FastifyInstance, app: ConsoleDeps): void {
  fastify.post(`${HEALTH}/whatsapp/pair`, async (req, reply) => {
    const [row] = await app.database.db.select().from(channelStates).where(eq(channelStates.channel, 'whatsapp'));
    if (!row || !HALTED.has(row.state)) return back(reply, 'pair_not_needed');
    const fresh = row.state !== 'replaced';
    const byCode = field(req.body, 'mode') === 'code';
    const phone = field(req.body, 'phone').replace(/[\s+-]/g, '');
    if (fresh && byCode && !/^[1-9]\d{7,14}$/.test(phone)) return back(reply, 'pair_phone_invalid');
    await askToPair(app.connection, app.prefix, { fresh, ...(fresh && byCode ? { phone } : {}) });
    await audit(app, req, fresh ? 'whatsapp.pair_again' : 'whatsapp.reconnect', 'whatsapp', {
      was: row.state,
      byCode: fresh && byCode,
    });
    return back(reply, 'pair_asked');
  });
}

const back = (reply: FastifyReply, done: string) => reply.redirect(`${HEALTH}?done=${done}#channels`, 303);

export const WHATSAPP_NOTICES = new Set(['pair_asked', 'pair_not_needed', 'pair_phone_invalid']);

/** The WhatsApp row's extra lines: the daily cap's use (a warning near it) and, once stopped, how to connect again. */
export function whatsappControls(req: FastifyRequest, state: string, detail: WhatsAppDetail, today: string): SafeHtml {
  const tr = trOf(req);
  const parts: SafeHtml[] = [];
  if (detail.coldCap && detail.coldDay === today) {
    const used = detail.coldToday ?? 0;
    const params = { count: String(used), cap: String(detail.coldCap) };
    parts.push(
      used >= detail.coldCap * WARN_SHARE
        ? html`<p class="late" role="status">⚠ ${tr(used >= detail.coldCap ? 'admin.wa.cap_reached' : 'admin.wa.cap_near', params)}</p>`
        : html`<p>${tr('admin.wa.cap_used', params)}</p>`,
    );
  }
  if (HALTED.has(state)) parts.push(pairForm(req, state));
  return html`${parts}`;
}

function pairForm(req: FastifyRequest, state: string): SafeHtml {
  const tr = trOf(req);
  const user = userOf(req);
  if (state === 'replaced') {
    return html`<form method="post" action="${HEALTH}/whatsapp/pair">${csrfField(user)}
<p>${tr('admin.wa.reconnect_hint')}</p><button type="submit">${tr('admin.wa.reconnect')}</button></form>`;
  }
  return html`<form method="post" action="${HEALTH}/whatsapp/pair" class="stack">${csrfField(user)}
<p>${tr('admin.wa.pair_hint')}</p>
<fieldset><legend>${tr('admin.wa.pair_how')}</legend>
<label><input type="radio" name="mode" value="qr" checked> ${tr('admin.wa.pair_qr')}</label>
<label><input type="radio" name="mode" value="code"> ${tr('admin.wa.pair_code')}</label>
</fieldset>
<label for="wa-phone">${tr('admin.wa.pair_phone')}</label>
<input id="wa-phone" name="phone" inputmode="tel" autocomplete="off" placeholder="6281234567890" maxlength="20">
<button type="submit">${tr('admin.wa.pair_submit')}</button></form>`;
}

/** Messages held back by the daily cap, and messages WhatsApp refused in the last week. */
export async function whatsappMessages(app: ConsoleDeps, req: FastifyRequest, zone: string): Promise<SafeHtml> {
  const tr = trOf(req);
  const db = app.database.db;
  const [held, refused] = await Promise.all([
    db
      .select()
      .from(messages)
      .where(and(eq(messages.channel, 'whatsapp'), eq(messages.status, 'pending'), isNotNull(messages.heldReason)))
      .orderBy(desc(messages.createdAt))
      .limit(LISTED),
    db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.channel, 'whatsapp'),
          isNotNull(messages.errorCode),
          inArray(messages.status, ['dead', 'rerouted']),
          gt(messages.createdAt, new Date(Date.now() - REFUSED_DAYS * 86_400_000)),
        ),
      )
      .orderBy(desc(messages.createdAt))
      .limit(LISTED),
  ]);
  const [heldWho, refusedWho] = await Promise.all([
    recipientWords(app.database.db, req, held),
    recipientWords(app.database.db, req, refused),
  ]);
  const heldTable =
    held.length === 0
      ? html`<p>${tr('admin.health.none')}</p>`
      : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.health.created')}</th><th scope="col">${tr('admin.health.recipient')}</th><th scope="col">${tr('admin.health.message')}</th><th scope="col">${tr('admin.wa.reason')}</th></tr></thead>
<tbody>${held.map(
          (
            m,
            i,
          ) => html`<tr><td>${when(m.createdAt, req, zone)}</td><td>${heldWho[i]}</td><td>${messageWords(m, req, zoneOf(zone))}</td>
<td>${tr(`admin.wa.held.${m.heldReason === 'daily_cap' ? 'daily_cap' : 'other'}`, { cap: String(app.config.WHATSAPP_DAILY_COLD_CAP) })}</td></tr>`,
        )}</tbody></table></div>`;
  const refusedTable =
    refused.length === 0
      ? html`<p>${tr('admin.health.none')}</p>`
      : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.health.created')}</th><th scope="col">${tr('admin.health.recipient')}</th><th scope="col">${tr('admin.health.message')}</th><th scope="col">${tr('admin.wa.code')}</th><th scope="col">${tr('admin.wa.outcome')}</th><th scope="col">${tr('admin.wa.fix')}</th></tr></thead>
<tbody>${refused.map(
          (
            m,
            i,
          ) => html`<tr><td>${when(m.createdAt, req, zone)}</td><td>${refusedWho[i]}</td><td>${messageWords(m, req, zoneOf(zone))}</td><td>${m.errorCode}</td>
<td>${tr(m.status === 'rerouted' ? 'admin.wa.rerouted' : 'admin.wa.not_rerouted')}</td><td>${fixFor(req, m)}</td></tr>`,
        )}</tbody></table></div>`;
  return html`<h2 id="whatsapp-held">${tr('admin.wa.held_title')}</h2>
<p>${tr('admin.wa.held_intro')}</p>
${heldTable}
<h2 id="whatsapp-refused">${tr('admin.wa.refused_title')}</h2>
<p>${tr('admin.wa.refused_intro')}</p>
${refusedTable}`;
}

/** How an admin gets a refused person reachable again. */
export function fixFor(req: FastifyRequest, m: Pick<MessageRow, 'errorCode' | 'recipientKind'>): string {
  const tr = trOf(req);
  if (m.errorCode !== '463') return tr('admin.wa.fix_other');
  return tr(m.recipientKind === 'official' ? 'admin.wa.fix_463_official' : 'admin.wa.fix_463');
}
