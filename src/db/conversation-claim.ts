import { type SQL, sql } from 'drizzle-orm';
import type { InboundRecord } from './inbound-messages.js';
import { chatMessageRows, type NewMessage, type QueuedMessage } from './outbox.js';
import { prepared } from './raw.js';

/** A conversation as the flows move it on and save it. */
export interface StoredConversation {
  readonly language: string;
  readonly flow: string;
  readonly step: string;
  readonly data: Record<string, unknown>;
}

/** Whoever the chat's active link names, as far as the flows need them. */
export type LinkOwner =
  | { readonly kind: 'official'; readonly id: string; readonly name: string; readonly active: boolean }
  | {
      readonly kind: 'stakeholder';
      readonly id: string;
      readonly name: string | null;
      readonly email: string | null;
      readonly phone: string | null;
    };

/** A unit as the chat menu needs it: its SOP setting (null when unset). */
export interface UnitMenuSetting {
  readonly id: string;
  readonly name: string;
  readonly offered: readonly string[] | null;
}

export interface ClaimedConversation {
  readonly conversation: StoredConversation;
  /** The conversation row was created by this message: its first one. */
  readonly started: boolean;
  readonly owner: LinkOwner | null;
  /** Every unit's menu setting, by id: most replies show the menu, which lists what the units offer. */
  readonly units: readonly UnitMenuSetting[];
}

interface ClaimRow {
  language: string;
  flow: string;
  step: string;
  data: Record<string, unknown>;
  started: boolean;
  owner_kind: string | null;
  official_id: string | null;
  official_name: string | null;
  official_active: boolean | null;
  stakeholder_id: string | null;
  stakeholder_name: string | null;
  email: string | null;
  phone: string | null;
  units: UnitMenuSetting[];
}

/**
 * The statement handling a message starts with, one instead of five (one round trip, not five): the
 * message recorded under its key, its conversation created or locked for the rest of the caller's
 * transaction (ON CONFLICT DO UPDATE locks the row as SELECT … FOR UPDATE would), the owner of
 * the chat's active link, and the units' menu settings (read here rather than when the menu is
 * drawn: a statement of its own was a fifth of a menu reply's round trips, and a cache would need
 * every writer of units, the CLI's and the tests' too, to tell it). Kept prepared: planning it
 * took longer than running it (0.30 ms against 0.18 ms). Null when the key is already taken (a
 * redelivery): then nothing is written and nothing locked. A rolled-back transaction gives the key
 * back, as claimInboundKey's does.
 */
export function claimStatement(message: InboundRecord, language: string): SQL {
  return sql`${prepared}with claim as (
      insert into inbound_messages (channel, address, key, text, choice, attachment_id)
      values (${message.channel}, ${message.address}, ${message.key}, ${message.text ?? null},
              ${message.choice ?? null}, ${message.attachment?.id ?? null})
      on conflict do nothing
      returning id
    ), conversation as (
      insert into conversations (channel, address, language)
      select ${message.channel}, ${message.address}, ${language} where exists (select 1 from claim)
      on conflict (channel, address) do update set channel = excluded.channel
      returning channel, address, language, flow, step, data, (xmax = 0) as started
    )
    select c.language, c.flow, c.step, c.data, c.started, l.owner_kind,
      o.id as official_id, o.name as official_name, o.active as official_active,
      s.id as stakeholder_id, s.name as stakeholder_name, s.email, s.phone,
      (select coalesce(json_agg(json_build_object('id', u.id, 'name', u.name, 'offered', u.offered_sops)
        order by u.id), '[]') from units u) as units
    from conversation c
    left join channel_links l on l.channel = c.channel and l.address = c.address and l.active
    left join officials o on l.owner_kind = 'official' and o.id = l.owner_id
    left join stakeholders s on l.owner_kind = 'stakeholder' and s.id = l.owner_id`;
}

/** The claim's answer (claimStatement's rows): null when the key was already taken. */
export function claimedFrom(rows: readonly unknown[]): ClaimedConversation | null {
  const row = rows[0] as ClaimRow | undefined;
  if (!row) return null;
  return {
    conversation: { language: row.language, flow: row.flow, step: row.step, data: row.data },
    started: row.started,
    owner: ownerOf(row),
    units: row.units,
  };
}

function ownerOf(row: ClaimRow): LinkOwner | null {
  if (row.official_id !== null) {
    return {
      kind: 'official',
      id: row.official_id,
      name: row.official_name ?? '',
      active: row.official_active === true,
    };
  }
  if (row.stakeholder_id !== null) {
    return {
      kind: 'stakeholder',
      id: row.stakeholder_id,
      name: row.stakeholder_name,
      email: row.email,
      phone: row.phone,
    };
  }
  return null;
}

/**
 * The statement saving the conversation as the message left it and putting its replies in the
 * outbox, one (a data-modifying WITH) rather than two; the replies keep the order given. With the
 * replies' ids, known before it runs. Written by hand, its replies as arrays Postgres unnests (see
 * unnestedInsert): drizzle's builder took a tenth of an update's CPU to build it, and its text
 * varied with the number of replies, so it could not be kept prepared.
 */
export function saveStatement(
  at: { readonly channel: string; readonly address: string },
  state: StoredConversation,
  replies: { readonly address: string; readonly list: readonly NewMessage[] },
): { readonly statement: SQL; readonly queued: QueuedMessage[] } {
  const rows = chatMessageRows(at.channel, replies.address, replies.list);
  const json = (values: unknown[]) => sql.param(values.map((v) => JSON.stringify(v)));
  return {
    statement: sql`${prepared}with saved as (
      update conversations set language = ${state.language}, flow = ${state.flow}, step = ${state.step},
        data = ${JSON.stringify(state.data)}::jsonb, updated_at = now()
      where channel = ${at.channel} and address = ${at.address}
    )
    insert into messages (id, case_id, instance_id, template, params, choices,
                          recipient_kind, recipient_id, channel, address, status)
    select r.id, r.case_id, r.instance_id, r.template, r.params::jsonb, r.choices::jsonb,
           'chat', ${replies.address}, ${at.channel}, ${replies.address}, 'pending'
    from unnest(${sql.param(rows.map((r) => r.id))}::text[], ${sql.param(rows.map((r) => r.caseId))}::text[],
                ${sql.param(rows.map((r) => r.instanceId))}::text[], ${sql.param(rows.map((r) => r.template))}::text[],
                ${json(rows.map((r) => r.params))}::text[], ${json(rows.map((r) => r.choices))}::text[])
      with ordinality as r(id, case_id, instance_id, template, params, choices, n)
    order by r.n`,
    queued: rows.map((row) => ({ id: row.id, channel: at.channel })),
  };
}
