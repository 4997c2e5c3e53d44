import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNull, ne, or, type SQL, sql } from 'drizzle-orm';
import type { Recipient } from '../sop/index.js';
import { unnestedInsert } from './bulk-insert.js';
import type { Tx } from './client.js';
import { sendInOrder } from './pipeline.js';
import { quietly, type SendLater } from './pipelined-transaction.js';
import { dateOf, prepared } from './raw.js';
import { channelLinks, messages, officials, stakeholders, stepInstances } from './schema.js';
import { placeholdersOf, type Shaped } from './shaped.js';

export interface QueuedMessage {
  readonly id: string;
  readonly channel: string;
}

export interface NewMessage {
  readonly caseId: string | null;
  readonly instanceId: string | null;
  readonly template: string;
  readonly params: Readonly<Record<string, string>>;
  readonly choices?: readonly { action: string; label: { id: string; en?: string | undefined } }[];
}

export interface InsertOptions {
  /** Email is set up (SMTP_URL): a stakeholder with no chat but an email address is written to by email. */
  readonly email?: boolean;
}

/**
 * Puts a message for a person in the outbox, addressed to their most recently used active chat.
 * A person with no reachable chat still gets a row, marked undeliverable, so nothing is lost
 * silently and the console can show it. "admins" means the officials who receive the alerts, of
 * the unit if it has some, else of every unit; `avoidChannel` keeps an alert off a channel that is down.
 */
export async function insertMessage(
  tx: Tx,
  to: Recipient,
  message: NewMessage,
  avoidChannel?: string,
  opts: InsertOptions = {},
): Promise<QueuedMessage[]> {
  if (to.kind === 'admins') {
    const alerted = await alertOfficials(tx, to.unitId);
    if (alerted.length === 0) {
      await insertRow(tx, { kind: 'admins', id: to.unitId }, undefined, message);
      return [];
    }
    const queued: Array<{ id: string; channel: string | null }> = [];
    for (const id of alerted) {
      const link = await activeLink(tx, 'official', id, avoidChannel);
      queued.push(await insertRow(tx, { kind: 'official', id }, link, message));
    }
    return queued.filter(isQueued);
  }
  let link = await activeLink(tx, to.kind, to.id, avoidChannel);
  if (!link && to.kind === 'stakeholder' && opts.email) {
    const email = await emailAddressOf(tx, to.id);
    if (email) link = { channel: EMAIL_CHANNEL, address: email };
  }
  return [await insertRow(tx, { kind: to.kind, id: to.id }, link, message)].filter(isQueued);
}

export const EMAIL_CHANNEL = 'email';

/** A stakeholder's email address, unless they asked for no email or were erased. */
export async function emailAddressOf(tx: Tx, stakeholderId: string): Promise<string | null> {
  const [person] = await tx
    .select({ email: stakeholders.email })
    .from(stakeholders)
    .where(and(eq(stakeholders.id, stakeholderId), isNull(stakeholders.emailStoppedAt), isNull(stakeholders.erasedAt)));
  return person?.email ?? null;
}

/**
 * The same message again, by email, for a stakeholder whose chat could not reach them. Only
 * messages about a case are forwarded (a chat's replies mean nothing outside it), and each at most
 * once: a retried job does not send a second email. Null when there is nothing to send.
 */
export async function forwardByEmail(tx: Tx, messageId: string): Promise<QueuedMessage | null> {
  const [row] = await tx.select().from(messages).where(eq(messages.id, messageId));
  if (row?.recipientKind !== 'stakeholder' || row.channel === EMAIL_CHANNEL || !row.caseId) return null;
  const email = await emailAddressOf(tx, row.recipientId);
  if (!email) return null;
  const id = randomUUID();
  const inserted = await tx
    .insert(messages)
    .values({
      ...rowOf(id, { ...row, choices: row.choices }),
      recipientKind: row.recipientKind,
      recipientId: row.recipientId,
      channel: EMAIL_CHANNEL,
      address: email,
      status: 'pending',
      forwardedFrom: row.id,
    })
    .onConflictDoNothing()
    .returning({ id: messages.id });
  return inserted.length > 0 ? { id, channel: EMAIL_CHANNEL } : null;
}

/** Rows with no reachable chat stay undeliverable in the table; only the others get a job. */
function isQueued(row: { id: string; channel: string | null }): row is QueuedMessage {
  return row.channel !== null;
}

async function insertRow(
  tx: Tx,
  recipient: { kind: string; id: string },
  link: { channel: string; address: string } | undefined,
  message: NewMessage,
): Promise<{ id: string; channel: string | null }> {
  const id = randomUUID();
  await tx.insert(messages).values({
    ...rowOf(id, message),
    recipientKind: recipient.kind,
    recipientId: recipient.id,
    channel: link?.channel ?? null,
    address: link?.address ?? null,
    status: link ? 'pending' : 'undeliverable',
  });
  return { id, channel: link?.channel ?? null };
}

async function alertOfficials(tx: Tx, unitId: string): Promise<string[]> {
  const all = await tx
    .select({ id: officials.id, unitId: officials.unitId })
    .from(officials)
    .where(and(eq(officials.receivesAlerts, true), eq(officials.active, true)));
  const ofUnit = all.filter((o) => o.unitId === unitId);
  return (ofUnit.length > 0 ? ofUnit : all).map((o) => o.id);
}

/** Puts a reply to a chat in the outbox: the conversation answers whoever wrote, known or not. */
export async function insertChatMessage(
  tx: Tx,
  channel: string,
  address: string,
  message: NewMessage,
): Promise<QueuedMessage> {
  const id = randomUUID();
  await tx.insert(messages).values({
    ...rowOf(id, message),
    recipientKind: 'chat',
    recipientId: address,
    channel,
    address,
    status: 'pending',
  });
  return { id, channel };
}

/**
 * The outbox rows of replies to one chat. Written in one VALUES list they take their seq numbers
 * in the order given, so the chat gets them in that order.
 */
export function chatMessageRows(channel: string, address: string, list: readonly NewMessage[]) {
  return list.map((message) => ({
    ...rowOf(randomUUID(), message),
    recipientKind: 'chat',
    recipientId: address,
    channel,
    address,
    status: 'pending' as const,
  }));
}

/**
 * insertMessage for many messages at once (a submission's, a batch of reminders'): the chats of
 * every person they go to are looked up in one statement and the rows written in one, in the
 * given order. Each recipient gets the rows insertMessage would write: to their most recently
 * used active chat, by email for a stakeholder with none (when email is set up), else undeliverable;
 * "admins" to each official who receives the alerts.
 */
export async function insertMessages(
  tx: Tx,
  items: ReadonlyArray<{ to: Recipient; message: NewMessage }>,
  opts: InsertOptions = {},
  /** Statements to send first, in the same round trip as the recipients' chats are looked up. */
  alongside: ReadonlyArray<SQL | Shaped> = [],
  /**
   * Sends the rows' insert without waiting for it (pipelinedTransaction's `later`): it leaves
   * with the COMMIT. Without it the insert is waited for.
   */
  later?: SendLater,
): Promise<QueuedMessage[]> {
  if (items.length === 0) {
    if (later) for (const statement of alongside) await later(statement);
    else if (alongside.length > 0) await sendInOrder(tx, alongside);
    return [];
  }
  const alerted = new Map<string, string[]>();
  for (const { to } of items) {
    if (to.kind === 'admins' && !alerted.has(to.unitId)) alerted.set(to.unitId, await alertOfficials(tx, to.unitId));
  }
  const people = items.flatMap(
    ({ to }): Array<{ kind: 'official' | 'stakeholder'; id: string }> =>
      to.kind === 'admins' ? (alerted.get(to.unitId) ?? []).map((id) => ({ kind: 'official', id })) : [to],
  );
  const lookup = latestLinksStatement(tx, people);
  const answers = await sendInOrder(tx, lookup ? [...alongside, lookup] : alongside);
  const links = latestLinksOf(lookup ? (answers.at(-1) ?? []) : []);
  const emails = new Map<string, string | null>();
  if (opts.email) {
    for (const p of people) {
      if (p.kind === 'stakeholder' && !links.has(linkKey(p)) && !emails.has(p.id)) {
        emails.set(p.id, await emailAddressOf(tx, p.id));
      }
    }
  }
  // Each row as its columns are named, for the insert: the params and choices go as JSON text,
  // so they need no copy of their own.
  const rows = items.flatMap(({ to, message }) => {
    const row = (recipient: { kind: string; id: string }, link: { channel: string; address: string } | undefined) => ({
      id: randomUUID(),
      case_id: message.caseId,
      instance_id: message.instanceId,
      template: message.template,
      params: message.params,
      choices: message.choices ?? [],
      recipient_kind: recipient.kind,
      recipient_id: recipient.id,
      channel: link?.channel ?? null,
      address: link?.address ?? null,
      status: link ? 'pending' : 'undeliverable',
    });
    if (to.kind === 'admins') {
      const ids = alerted.get(to.unitId) ?? [];
      if (ids.length === 0) return [row({ kind: 'admins', id: to.unitId }, undefined)];
      return ids.map((id) => row({ kind: 'official', id }, links.get(linkKey({ kind: 'official', id }))));
    }
    const email = to.kind === 'stakeholder' ? emails.get(to.id) : null;
    return [row(to, links.get(linkKey(to)) ?? (email ? { channel: EMAIL_CHANNEL, address: email } : undefined))];
  });
  // One parameter per column (a burst's reminders come a hundred at a time), in the given order.
  const insert = unnestedInsert('messages', MESSAGE_COLUMNS, rows);
  if (insert) await (later ? later(insert) : sendInOrder(tx, [insert]));
  return rows.flatMap((r) => (r.channel ? [{ id: r.id, channel: r.channel }] : []));
}

/**
 * insertMessages inside a pipelined transaction, for people (not "admins", whose officials are
 * looked up first): one statement writes the rows and finds each recipient's chat itself, sent
 * with `later`, so nothing waits for a look-up before the COMMIT (a round trip less for each
 * submission and each official's action, issue 17). Each row goes where insertMessages would send
 * it. The queued messages come with the insert's answer: read `queued` after the commit.
 */
export async function insertMessagesLater(
  items: ReadonlyArray<{ to: Exclude<Recipient, { kind: 'admins' }>; message: NewMessage }>,
  opts: InsertOptions,
  later: SendLater,
): Promise<{ readonly queued: Promise<QueuedMessage[]> }> {
  if (items.length === 0) return { queued: Promise.resolve([]) };
  const rows = items.map(({ to, message }) => ({
    id: randomUUID(),
    case_id: message.caseId,
    instance_id: message.instanceId,
    template: message.template,
    params: JSON.stringify(message.params),
    choices: JSON.stringify(message.choices ?? []),
    recipient_kind: to.kind,
    recipient_id: to.id,
  }));
  const values: Record<string, unknown[]> = {};
  for (const column of ROUTED_COLUMNS) values[column] = rows.map((row) => row[column]);
  const { rows: answer } = await later({
    shape: opts.email ? 'insert routed messages, email' : 'insert routed messages',
    build: () => routedInsert(opts.email ?? false),
    values,
  });
  const order = new Map<string, number>(rows.map((row, i) => [row.id, i]));
  return {
    queued: quietly(
      answer.then((inserted) =>
        (inserted as ReadonlyArray<{ id: string; channel: string | null }>)
          .filter(isQueued)
          .sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
          .map(({ id, channel }) => ({ id, channel })),
      ),
    ),
  };
}

const ROUTED_COLUMNS = [
  'id',
  'case_id',
  'instance_id',
  'template',
  'params',
  'choices',
  'recipient_kind',
  'recipient_id',
] as const;

/**
 * The rows in the given order (so each chat gets them in that order), each to its recipient's most
 * recently used active chat (latestLinksOf's choice), with email, by email to a stakeholder with
 * none who has an address (emailAddressOf's), else undeliverable.
 */
function routedInsert(email: boolean): SQL {
  const arrays = sql.join(
    ROUTED_COLUMNS.map((column) => sql`${sql.placeholder(column)}::text[]`),
    sql`, `,
  );
  const byEmail = email
    ? sql`left join lateral (
        select s.email from stakeholders s
        where u.recipient_kind = 'stakeholder' and s.id = u.recipient_id
          and s.email is not null and s.email_stopped_at is null and s.erased_at is null
      ) e on true`
    : sql`left join lateral (select null::text as email) e on true`;
  return sql`${prepared}insert into messages
      (id, case_id, instance_id, template, params, choices, recipient_kind, recipient_id, channel, address, status)
    select u.id, u.case_id, u.instance_id, u.template, u.params::jsonb, u.choices::jsonb, u.recipient_kind,
      u.recipient_id, coalesce(l.channel, case when e.email is not null then ${sql.raw(`'${EMAIL_CHANNEL}'`)} end),
      coalesce(l.address, e.email),
      case when l.channel is null and e.email is null then 'undeliverable' else 'pending' end
    from unnest(${arrays}) with ordinality
      as u(id, case_id, instance_id, template, params, choices, recipient_kind, recipient_id, n)
    left join lateral (
      select c.channel, c.address from channel_links c
      where c.active and c.owner_kind = u.recipient_kind and c.owner_id = u.recipient_id
      order by c.last_seen_at desc nulls last
      limit 1
    ) l on true
    ${byEmail}
    order by u.n
    returning id, channel`;
}

const MESSAGE_COLUMNS = {
  id: 'text',
  case_id: 'text',
  instance_id: 'text',
  template: 'text',
  params: 'jsonb',
  choices: 'jsonb',
  recipient_kind: 'text',
  recipient_id: 'text',
  channel: 'text',
  address: 'text',
  status: 'text',
} as const;

const linkKey = (p: { kind: string; id: string }) => `${p.kind}:${p.id}`;

/**
 * People looked up at most by a statement kept prepared: a submission's few (the stakeholder, the
 * assignee, the initiator). Planning the lookup took four times as long as running it, at every
 * submission (issue 17); a text per count of each kind, so the connections' prepared statements
 * are not filled up by a burst's long lists, which are planned each time as before.
 */
const PREPARED_LOOKUP_PEOPLE = 4;

/** The statement that finds each person's active chats (none for nobody); latestLinksOf reads its rows. */
function latestLinksStatement(
  tx: Tx,
  people: ReadonlyArray<{ kind: 'official' | 'stakeholder'; id: string }>,
): Shaped | null {
  const byKind = (kind: 'official' | 'stakeholder') => [
    ...new Set(people.filter((p) => p.kind === kind).map((p) => p.id)),
  ];
  const officialIds = placeholdersOf({ ...byKind('official') }, 'o');
  const stakeholderIds = placeholdersOf({ ...byKind('stakeholder') }, 's');
  const officialCount = Object.keys(officialIds.values).length;
  const stakeholderCount = Object.keys(stakeholderIds.values).length;
  if (officialCount + stakeholderCount === 0) return null;
  return {
    // The text depends on how many of each there are.
    shape: `latest links ${officialCount} ${stakeholderCount}`,
    build: () => {
      const officials = Object.values(officialIds.placeholders());
      const stakeholders = Object.values(stakeholderIds.placeholders());
      const lookup = tx
        .select({
          ownerKind: channelLinks.ownerKind,
          ownerId: channelLinks.ownerId,
          channel: channelLinks.channel,
          address: channelLinks.address,
          lastSeenAt: channelLinks.lastSeenAt,
        })
        .from(channelLinks)
        .where(
          and(
            eq(channelLinks.active, true),
            or(
              officials.length > 0
                ? and(eq(channelLinks.ownerKind, 'official'), inArray(channelLinks.ownerId, officials))
                : undefined,
              stakeholders.length > 0
                ? and(eq(channelLinks.ownerKind, 'stakeholder'), inArray(channelLinks.ownerId, stakeholders))
                : undefined,
            ),
          ),
        )
        .getSQL();
      return officials.length + stakeholders.length <= PREPARED_LOOKUP_PEOPLE ? sql`${prepared}${lookup}` : lookup;
    },
    values: { ...officialIds.values, ...stakeholderIds.values },
  };
}

/** Each person's most recently used active chat, by linkKey. */
function latestLinksOf(rows: readonly unknown[]): Map<string, { channel: string; address: string }> {
  const found = new Map<string, { channel: string; address: string; lastSeenAt: number }>();
  for (const row of rows as ReadonlyArray<Record<string, unknown>>) {
    const key = linkKey({ kind: String(row.owner_kind), id: String(row.owner_id) });
    const lastSeenAt = dateOf(row.last_seen_at)?.getTime() ?? 0;
    const seen = found.get(key);
    if (!seen || lastSeenAt > seen.lastSeenAt) {
      found.set(key, { channel: String(row.channel), address: String(row.address), lastSeenAt });
    }
  }
  return found;
}

function rowOf(id: string, message: NewMessage) {
  return {
    id,
    caseId: message.caseId,
    instanceId: message.instanceId,
    template: message.template,
    params: { ...message.params },
    choices: [...(message.choices ?? [])],
  };
}

async function activeLink(tx: Tx, kind: 'official' | 'stakeholder', id: string, avoidChannel?: string) {
  const [link] = await tx
    .select({ channel: channelLinks.channel, address: channelLinks.address })
    .from(channelLinks)
    .where(
      and(
        eq(channelLinks.ownerKind, kind),
        eq(channelLinks.ownerId, id),
        eq(channelLinks.active, true),
        avoidChannel ? ne(channelLinks.channel, avoidChannel) : undefined,
      ),
    )
    .orderBy(desc(channelLinks.lastSeenAt))
    .limit(1);
  return link;
}

/**
 * Messages kept undeliverable because the official had no chat yet, sent now to the chat they
 * just linked: the steps given to them meanwhile, and reminders of those. Only what concerns a
 * step still open goes out; news of a step already left would only confuse. Each row moves from
 * undeliverable to pending once, so a second link sends nothing twice.
 */
export async function releaseHeldMessages(
  tx: Tx,
  officialId: string,
  link: { channel: string; address: string },
): Promise<QueuedMessage[]> {
  const stillOpen = tx.select({ id: stepInstances.id }).from(stepInstances).where(isNull(stepInstances.leftAt));
  const rows = await tx
    .update(messages)
    .set({ status: 'pending', channel: link.channel, address: link.address, lastError: null })
    .where(
      and(
        eq(messages.recipientKind, 'official'),
        eq(messages.recipientId, officialId),
        eq(messages.status, 'undeliverable'),
        inArray(messages.instanceId, stillOpen),
      ),
    )
    .returning({ id: messages.id, channel: messages.channel });
  return rows.flatMap((r) => (r.channel ? [{ id: r.id, channel: r.channel }] : []));
}
