import { and, eq, inArray, or } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/index.js';
import { channelLinks, officials } from '../../db/index.js';
import { senderLogRef } from '../../flows/index.js';
import { html, type SafeHtml } from '../../html.js';
import type { DroppedMessages } from '../../limits/index.js';
import type { Signer } from '../../signing.js';
import { trOf, when } from './console-request.js';
import { channelName } from './message-people.js';

/** What the panel reads: the counts, who a chat belongs to, and the key behind the logs' sender references. */
export interface DroppedSendersDeps {
  readonly db: Db;
  readonly dropped: Pick<DroppedMessages, 'lastDay'>;
  readonly signer: Signer;
  /** CHAT_MESSAGES_PER_MINUTE, named in the explanation. */
  readonly limit: number;
}

const LISTED = 50;

/**
 * Who the flood limit held back in the last day and how many of their messages were dropped. A
 * sender is named as the console names people elsewhere: an official by name, a reporter without
 * (a rahasia reporter stays unnamed), never a phone number or chat id; the log reference is the one
 * the warning in the service's log carries, so the two can be matched.
 */
export async function droppedSendersPanel(
  deps: DroppedSendersDeps,
  req: FastifyRequest,
  zone: string,
): Promise<SafeHtml> {
  const tr = trOf(req);
  const counted = await deps.dropped.lastDay();
  if (!counted) {
    return html`<h2 id="dropped">${tr('admin.dropped.title')}</h2>
<p>${tr('admin.dropped.unavailable')}</p>`;
  }
  const senders = counted.slice(0, LISTED);
  const who = await senderWords(deps.db, req, senders);
  const table =
    senders.length === 0
      ? html`<p>${tr('admin.dropped.none')}</p>`
      : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.dropped.who')}</th><th scope="col">${tr('admin.health.channel')}</th><th scope="col">${tr('admin.dropped.count')}</th><th scope="col">${tr('admin.dropped.last')}</th><th scope="col">${tr('admin.dropped.ref')}</th></tr></thead>
<tbody>${senders.map(
          (s, i) => html`<tr><td>${who[i]}</td><td>${channelName(req, s.channel)}</td>
<td>${tr('admin.dropped.messages', { count: String(s.count) })}</td><td>${when(s.lastAt, req, zone)}</td><td><code>${senderLogRef(deps.signer, s)}</code></td></tr>`,
        )}</tbody></table></div>`;
  return html`<h2 id="dropped">${tr('admin.dropped.title')}</h2>
<p>${tr('admin.dropped.intro', { limit: String(deps.limit) })}</p>
${table}`;
}

async function senderWords(
  db: Db,
  req: FastifyRequest,
  senders: readonly { channel: string; address: string }[],
): Promise<string[]> {
  const tr = trOf(req);
  if (senders.length === 0) return [];
  const links = await db
    .select({
      channel: channelLinks.channel,
      address: channelLinks.address,
      kind: channelLinks.ownerKind,
      id: channelLinks.ownerId,
    })
    .from(channelLinks)
    .where(
      and(
        eq(channelLinks.active, true),
        or(...senders.map((s) => and(eq(channelLinks.channel, s.channel), eq(channelLinks.address, s.address)))),
      ),
    );
  const officialIds = links.filter((l) => l.kind === 'official').map((l) => l.id);
  const names =
    officialIds.length > 0
      ? await db
          .select({ id: officials.id, name: officials.name })
          .from(officials)
          .where(inArray(officials.id, officialIds))
      : [];
  const nameOf = new Map(names.map((o) => [o.id, o.name]));
  const linkOf = new Map(links.map((l) => [`${l.channel}\n${l.address}`, l]));
  return senders.map((s) => {
    const link = linkOf.get(`${s.channel}\n${s.address}`);
    if (link?.kind === 'official') return tr('admin.dropped.official', { name: nameOf.get(link.id) ?? '?' });
    if (link?.kind === 'stakeholder') return tr('admin.dropped.reporter');
    return tr('admin.dropped.unknown');
  });
}
