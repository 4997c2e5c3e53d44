import { randomUUID } from 'node:crypto';
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { DateTime } from 'luxon';
import type { Db, Tx } from '../../db/index.js';
import { cases, channelLinks, insertMessage, messages, officials, type QueuedMessage } from '../../db/index.js';
import type { Logger } from '../../log.js';
import { CHANNEL } from './channel-name.js';
import type { MessageRow } from './deliveries.js';

export interface RerouteOptions {
  readonly db: Db;
  readonly redis: Redis;
  /** App.prefix: the once-a-day alert claims live under it. */
  readonly prefix: string;
  /** Channels this service can send through (App.channels): a link elsewhere is no way in. */
  readonly channels: ReadonlySet<string>;
  /** Queues a message row on its channel (App.queues.addMessage). */
  readonly queue: (messageId: string, channel: string) => Promise<void>;
  /** DEFAULT_UNIT: whose admins hear of a reporter WhatsApp refuses. */
  readonly defaultUnit: string;
  /** The service's zone: "once a day" follows its calendar. */
  readonly zone: string;
  /** A page of this web chat is open now (WebChannel.reaches). */
  readonly webOpen: (address: string) => Promise<boolean>;
  /** Sends the row to its stakeholder by email instead (EmailFallback.instead); false when it cannot. */
  readonly byEmail: (messageId: string) => Promise<boolean>;
  readonly log: Logger;
}

type Person = { readonly kind: 'official' | 'stakeholder'; readonly id: string };

type Route = { readonly channel: string; readonly address: string };

/**
 * A message WhatsApp refused for good (463) is not sent there again: it goes to the person's other
 * way in, in this order: their Telegram link, their web chat if a page of it is open, their email
 * (a reporter's case messages), else any other chat they linked (a closed web chat keeps it in its
 * history). The WhatsApp row becomes 'rerouted' (or stays failed when there is no way), and the
 * admins are told once a day per person, with what fixes it.
 */
export class Rerouter {
  constructor(private readonly opts: RerouteOptions) {}

  async reroute(row: MessageRow): Promise<void> {
    const { log } = this.opts;
    const person = await this.#personOf(row);
    const links = person ? await this.#linksOf(person) : [];
    const chat = await this.#liveChat(links);
    let routedTo: string | null = null;
    if (chat) routedTo = await this.#copyTo(row, chat);
    else if (await this.opts.byEmail(row.id)) routedTo = (await this.#markRerouted(row)) ? 'email' : null;
    else if (links[0]) routedTo = await this.#copyTo(row, links[0]);
    log.warn(
      { messageId: row.id, code: row.errorCode, routedTo },
      routedTo ? 'whatsapp refused a message; sent on another channel' : 'whatsapp refused a message; no other way in',
    );
    if (person) await this.#tellAdmins(person, row, routedTo);
  }

  async #markRerouted(row: MessageRow): Promise<boolean> {
    const moved = await this.opts.db
      .update(messages)
      .set({ status: 'rerouted' })
      .where(and(eq(messages.id, row.id), eq(messages.status, 'dead')))
      .returning({ id: messages.id });
    return moved.length > 0;
  }

  /** The Telegram link, else a web chat with a page open now. */
  async #liveChat(links: readonly Route[]): Promise<Route | null> {
    const telegram = links.find((l) => l.channel === 'telegram');
    if (telegram) return telegram;
    for (const link of links.filter((l) => l.channel === 'web')) {
      if (await this.opts.webOpen(link.address)) return link;
    }
    return null;
  }

  async #copyTo(row: MessageRow, route: Route): Promise<string | null> {
    const { db } = this.opts;
    const copy: QueuedMessage | null = await db.transaction(async (tx) => {
      const moved = await tx
        .update(messages)
        .set({ status: 'rerouted' })
        .where(and(eq(messages.id, row.id), eq(messages.status, 'dead')))
        .returning({ id: messages.id });
      if (moved.length === 0) return null;
      const id = randomUUID();
      await tx.insert(messages).values({
        id,
        caseId: row.caseId,
        instanceId: row.instanceId,
        recipientKind: row.recipientKind,
        recipientId: row.recipientId,
        channel: route.channel,
        address: route.address,
        template: row.template,
        params: row.params,
        choices: row.choices,
        status: 'pending',
        forwardedFrom: row.id,
      });
      return { id, channel: route.channel };
    });
    if (!copy) return null;
    await this.opts.queue(copy.id, copy.channel);
    return copy.channel;
  }

  async #personOf(row: MessageRow): Promise<Person | null> {
    if (row.recipientKind === 'official' || row.recipientKind === 'stakeholder') {
      return { kind: row.recipientKind, id: row.recipientId };
    }
    if (!row.address) return null;
    const [link] = await this.opts.db
      .select({ kind: channelLinks.ownerKind, id: channelLinks.ownerId })
      .from(channelLinks)
      .where(and(eq(channelLinks.channel, CHANNEL), eq(channelLinks.address, row.address)));
    return link ?? null;
  }

  /** The person's active chats other than WhatsApp on channels this service has, latest used first. */
  async #linksOf(person: Person): Promise<Route[]> {
    const { db, channels } = this.opts;
    const links = await db
      .select({ channel: channelLinks.channel, address: channelLinks.address })
      .from(channelLinks)
      .where(
        and(
          eq(channelLinks.ownerKind, person.kind),
          eq(channelLinks.ownerId, person.id),
          eq(channelLinks.active, true),
          ne(channelLinks.channel, CHANNEL),
        ),
      )
      .orderBy(desc(channelLinks.lastSeenAt));
    return links.filter((l) => channels.has(l.channel));
  }

  async #tellAdmins(person: Person, row: MessageRow, routedTo: string | null): Promise<void> {
    const { db, redis, prefix, zone, log } = this.opts;
    const day = DateTime.now().setZone(zone).toISODate();
    const claim = `${prefix}:whatsapp:refused:${person.kind}:${person.id}:${day}`;
    if ((await redis.set(claim, '1', 'EX', 2 * 86_400, 'NX')) !== 'OK') return;
    const queued = await db.transaction(async (tx) => {
      const about = await this.#about(tx, person, row);
      return insertMessage(
        tx,
        { kind: 'admins', unitId: about.unitId },
        {
          caseId: null,
          instanceId: null,
          template: about.template,
          params: { ...about.params, code: row.errorCode ?? '-', routed: routedTo ?? '-' },
        },
        CHANNEL,
      );
    });
    log.warn({ kind: person.kind, told: queued.length }, 'admins told that whatsapp refuses a person');
    await Promise.all(queued.map((m) => this.opts.queue(m.id, m.channel)));
  }

  /** Officials by name; a reporter only by the ticket, since the alert may reach officials of a rahasia case. */
  async #about(
    tx: Tx,
    person: Person,
    row: MessageRow,
  ): Promise<{ template: string; params: Record<string, string>; unitId: string }> {
    if (person.kind === 'official') {
      const [o] = await tx
        .select({ name: officials.name, unitId: officials.unitId })
        .from(officials)
        .where(eq(officials.id, person.id));
      return {
        template: 'whatsapp.refused_official',
        params: { name: o?.name ?? '-' },
        unitId: o?.unitId ?? this.opts.defaultUnit,
      };
    }
    const [c] = row.caseId
      ? await tx.select({ ticket: cases.ticket, unitId: cases.unitId }).from(cases).where(eq(cases.id, row.caseId))
      : [];
    return {
      template: 'whatsapp.refused_reporter',
      params: { ticket: c?.ticket ?? '-' },
      unitId: c?.unitId ?? this.opts.defaultUnit,
    };
  }
}
