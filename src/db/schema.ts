import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { HoursPeriod, WorkingHours } from '../sop/index.js';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => at('created_at').notNull().defaultNow();

/** A work unit (e.g. Bagian Ortala) with its own office hours and time zone. */
export const units = pgTable('units', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull().default('Asia/Jakarta'),
  /** Per ISO weekday lists of {start,end}; null means Mon–Fri 08:00–16:00. */
  workingHours: jsonb('working_hours').$type<WorkingHours | null>(),
  /**
   * The SOPs the unit runs: stakeholder SOPs appear in the chat menu in this order (their cases
   * run here), officials of the unit open only the listed official SOPs, and the people page checks
   * the roles of these only. Null: COMPLAINT_SOP in the menu (the default unit's only) and every
   * SOP officials open; the people page then checks COMPLAINT_SOP's roles.
   */
  offeredSops: jsonb('offered_sops').$type<string[] | null>(),
  /** Date ranges with their own hours (jam kerja Ramadan), set each year by the unit. */
  hoursPeriods: jsonb('hours_periods').$type<HoursPeriod[]>().notNull().default([]),
  /**
   * The highest role an escalation in this unit reaches (e.g. its head), when lower than the SOP's
   * ceiling; beyond it the unit's admins are alerted. Null: the SOP's ceiling, else its chain's top.
   */
  escalationCeiling: text('escalation_ceiling'),
  /** The unit's logo (PNG or JPEG) under DATA_DIR/logos: its letterhead, and wherever the unit shows itself. */
  logo: jsonb('logo').$type<UnitLogo | null>(),
  /** The kop surat and signature block of the unit's printed reports; null until an admin sets them. */
  letterhead: jsonb('letterhead').$type<Letterhead | null>(),
  createdAt: createdAt(),
});

export interface UnitLogo {
  /** The stored file's name under DATA_DIR/logos (a fresh id, never the uploaded name). */
  readonly id: string;
  readonly mime: 'image/png' | 'image/jpeg';
  /** Names the logo's version in its URL, so browsers may keep it for good. */
  readonly sha256: string;
}

export interface Letterhead {
  /** Lines under the unit's name on the kop: the parent body above it, the address, phone and e-mail. */
  readonly parent: string;
  readonly address: string;
  readonly contact: string;
  /** Where reports are signed, e.g. "Jakarta". */
  readonly place: string;
  readonly signerName: string;
  readonly signerNip: string;
  /** The signer's jabatan, e.g. "Kepala Bagian Organisasi dan Tata Laksana". */
  readonly signerPosition: string;
}

/**
 * A unit's own change to the national holiday list: a local day off (off) or a national day off the
 * unit works after all (a cuti bersama changed by a revised SKB). Every process reads them again
 * within CALENDAR_REFRESH_SECONDS.
 */
export const unitDaysOff = pgTable(
  'unit_days_off',
  {
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    /** Local date in the unit's zone, YYYY-MM-DD. */
    date: text('date').notNull(),
    off: boolean('off').notNull(),
    reason: text('reason').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.date] })],
);

export const officials = pgTable(
  'officials',
  {
    id: text('id').primaryKey(),
    nip: text('nip').notNull().unique(),
    name: text('name').notNull(),
    roleId: text('role_id').notNull(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    superiorId: text('superior_id'),
    active: boolean('active').notNull().default(true),
    /** Gets the admins' alerts in their chat: a step nobody holds, an escalation past the top, a channel down. */
    receivesAlerts: boolean('receives_alerts').notNull().default(false),
    language: text('language').notNull().default('id'),
    lastAssignedAt: at('last_assigned_at'),
    createdAt: createdAt(),
  },
  (t) => [index('officials_role_unit').on(t.roleId, t.unitId)],
);

/** Plh/Plt: while the period runs, new steps and reminders for the official go to the delegate. */
export const delegations = pgTable('delegations', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  officialId: text('official_id')
    .notNull()
    .references(() => officials.id),
  delegateId: text('delegate_id')
    .notNull()
    .references(() => officials.id),
  startsAt: at('starts_at').notNull(),
  endsAt: at('ends_at').notNull(),
  createdBy: text('created_by').notNull(),
  createdAt: createdAt(),
});

export const stakeholders = pgTable('stakeholders', {
  id: text('id').primaryKey(),
  name: text('name'),
  email: text('email'),
  phone: text('phone'),
  language: text('language').notNull().default('id'),
  consentVersion: text('consent_version'),
  consentAt: at('consent_at'),
  /** Set when the person's data was erased (UU PDP): personal fields are anonymised, cases kept. */
  erasedAt: at('erased_at'),
  /** The person asked for no more email (the link in each email, or the status page). */
  emailStoppedAt: at('email_stopped_at'),
  createdAt: createdAt(),
});

/** A person's address on a chat channel. A person may have several; the latest active one is used. */
export const channelLinks = pgTable(
  'channel_links',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    ownerKind: text('owner_kind').$type<'official' | 'stakeholder'>().notNull(),
    ownerId: text('owner_id').notNull(),
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    active: boolean('active').notNull().default(true),
    lastError: text('last_error'),
    lastSeenAt: at('last_seen_at').notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('channel_links_address').on(t.channel, t.address),
    index('channel_links_owner').on(t.ownerKind, t.ownerId),
  ],
);

/** Every SOP version ever run, so a case can keep running on the version it started with. */
export const sopDefinitions = pgTable(
  'sop_definitions',
  {
    sopId: text('sop_id').notNull(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    definition: jsonb('definition').notNull(),
    checksum: text('checksum').notNull(),
    /** file: read from SOPS_DIR at start-up; upload: sent through the console. */
    source: text('source').$type<'file' | 'upload'>().notNull().default('file'),
    /** Who uploaded it (`admin:<username>`); null for a file. */
    uploadedBy: text('uploaded_by'),
    /**
     * When it first became the active version. An upload never activated is a draft the next
     * upload of the same version replaces; once activated a version never changes.
     */
    activatedAt: at('activated_at'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sopId, t.version] })],
);

/** The version new cases of each SOP take; running cases stay on the version they started on. */
export const sopActive = pgTable('sop_active', {
  sopId: text('sop_id').primaryKey(),
  version: integer('version').notNull(),
  activatedAt: at('activated_at').notNull().defaultNow(),
  /** `admin:<username>`; null when a newer file in SOPS_DIR took over at start-up. */
  activatedBy: text('activated_by'),
});

export const ticketCounters = pgTable(
  'ticket_counters',
  {
    prefix: text('prefix').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.prefix, t.year] })],
);

export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    ticket: text('ticket').notNull().unique(),
    sopId: text('sop_id').notNull(),
    sopVersion: integer('sop_version').notNull(),
    unitId: text('unit_id')
      .notNull()
      .references(() => units.id),
    stakeholderId: text('stakeholder_id').references(() => stakeholders.id),
    openedBy: text('opened_by'),
    /** The official who opened the case (intake official): told of each stage, like a stakeholder. */
    initiatorId: text('initiator_id'),
    /** The case's own fields as its SOP declares them (e.g. seed 004's No. dokumen), by field id. */
    fields: jsonb('fields').$type<Record<string, string>>().notNull().default({}),
    /** keluhan / saran / masukan, or the kind of request for internal SOPs. */
    category: text('category'),
    subject: text('subject'),
    body: text('body'),
    channel: text('channel'),
    /** SP4N-LAPOR! style: officials see a pseudonym and no contact details; only admins see who it is. */
    rahasia: boolean('rahasia').notNull().default(false),
    /** The per-ticket secret in the public status link (/status/<ticket>?k=…): ticket numbers alone reveal nothing. */
    statusSecret: text('status_secret'),
    status: text('status').$type<'open' | 'closed'>().notNull(),
    outcome: text('outcome'),
    openedAt: at('opened_at').notNull(),
    closedAt: at('closed_at'),
    /** Until when the reporter may answer "Belum" and reopen the closed case (the SOP's reopenWithin). */
    reopenUntil: at('reopen_until'),
    stepSeq: integer('step_seq').notNull(),
    path: jsonb('path').$type<string[]>().notNull(),
    holders: jsonb('holders').$type<Record<string, string>>().notNull().default({}),
    openInstanceId: text('open_instance_id'),
  },
  (t) => [
    index('cases_status_opened').on(t.status, t.openedAt),
    index('cases_stakeholder').on(t.stakeholderId),
    // The reconciler looks for closed cases whose reopening window still runs.
    index('cases_reopen_window').on(t.id).where(sql`${t.reopenUntil} is not null`),
    // Open cases by their open step, with the columns the tracking table filters on: its filters
    // over the current step (overdue, due today, waiting) and the reports' open figures join the
    // few open cases to the open steps from two small indexes alone (index-only), not the tables.
    index('cases_open_step').on(t.openInstanceId, t.id, t.unitId, t.sopId).where(sql`${t.status} = 'open'`),
  ],
);

/** One visit of a case to a step: who had it, when it was due, when and how it was left. */
export const stepInstances = pgTable(
  'step_instances',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    seq: integer('seq').notNull(),
    stepId: text('step_id').notNull(),
    assigneeId: text('assignee_id'),
    onBehalfOf: text('on_behalf_of'),
    enteredAt: at('entered_at').notNull(),
    dueAt: at('due_at').notNull(),
    leftAt: at('left_at'),
    /** Working time the step took (office hours, no weekends or holidays), set when it is left: what the reports measure. */
    workingMs: bigint('working_ms', { mode: 'number' }),
    outcome: text('outcome'),
    actorId: text('actor_id'),
    note: text('note'),
    /** The official chose to show the note to the reporter (a tindak lanjut); default internal. */
    notePublic: boolean('note_public').notNull().default(false),
    nextRung: integer('next_rung').notNull().default(0),
    nextTimerAt: at('next_timer_at'),
    escalationLevel: integer('escalation_level').notNull().default(0),
    /** Since when the step waits on the reporter ("menunggu pelapor"), its clock stopped; null while it runs. */
    pausedAt: at('paused_at'),
    /** When the wait ends with the case closed as "tidak dilengkapi". */
    pauseUntil: at('pause_until'),
    /** Working time the step waited on the reporter in waits already ended; reports leave it out. */
    pausedMs: bigint('paused_ms', { mode: 'number' }).notNull().default(0),
    /** The ladder rung a wait interrupted, to go on from when the reporter answers. */
    pauseRung: integer('pause_rung'),
    /** Counts the times the step's timers were set afresh; part of their job ids. */
    clockEpoch: integer('clock_epoch').notNull().default(0),
  },
  (t) => [
    index('step_instances_case').on(t.caseId, t.seq),
    index('step_instances_open_timer').on(t.nextTimerAt).where(sql`${t.leftAt} is null`),
    index('step_instances_assignee_open').on(t.assigneeId).where(sql`${t.leftAt} is null`),
    // Reports read a period's finished steps by when they were left. Only those: an open step
    // (every submission's, every reminder's update) adds no entry (issue 17).
    index('step_instances_left').on(t.leftAt, t.caseId).where(sql`${t.leftAt} is not null`),
    // Steps left before working time was recorded, measured once on the first report.
    index('step_instances_unmeasured').on(t.leftAt).where(sql`${t.workingMs} is null and ${t.leftAt} is not null`),
    // Open steps by due time (overdue, due today, sorted by due), paired with cases_open_step.
    index('step_instances_open_due').on(t.dueAt, t.id, t.pausedAt).where(sql`${t.leftAt} is null`),
    // Steps left while they waited on the reporter, which the reports measure apart: few, so a
    // period's are found without reading its million steps.
    index('step_instances_left_waiting').on(t.leftAt).where(sql`${t.pausedAt} is not null`),
  ],
);

/** Append-only: every submission, action, return, reminder, escalation and reassignment. */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    at: at('at').notNull(),
    kind: text('kind').notNull(),
    actor: text('actor').notNull(),
    instanceId: text('instance_id'),
    stepId: text('step_id'),
    action: text('action'),
    note: text('note'),
    /** Files attached, each with the kelengkapan it is (as the action's `requires` names it). */
    attachments: jsonb('attachments')
      .$type<{ id: string; name: string; kelengkapan?: string }[]>()
      .notNull()
      .default([]),
    /** Required kelengkapan the official declared absent, where the SOP allows it, with the note why. */
    absent: jsonb('absent').$type<{ kelengkapan: string; note: string }[]>().notNull().default([]),
    target: text('target'),
  },
  (t) => [
    index('case_events_case').on(t.caseId, t.id),
    // The reporters' answers after closing, which the reports count by period: a few among millions.
    index('case_events_answers').on(t.at).where(sql`${t.kind} in ('reopened', 'confirmed')`),
  ],
);

/** Idempotency keys of events already applied: a redelivered update or a timer fired twice acts once. */
export const processedEvents = pgTable('processed_events', {
  key: text('key').primaryKey(),
  caseId: text('case_id'),
  processedAt: createdAt(),
});

/**
 * `discarded`: a dead-lettered message an admin chose not to send again; kept for the record.
 * `sending`: handed to a channel that confirms later (WhatsApp's server ack); `sent` only once it did.
 * `rerouted`: the channel refused it for good (WhatsApp's 463) and a copy went to the person's other chat.
 */
export type MessageStatus = 'pending' | 'sending' | 'sent' | 'dead' | 'undeliverable' | 'discarded' | 'rerouted';

/** What the channel itself said of a message after taking it (WhatsApp's acks and receipts). */
export type DeliveryState = 'server' | 'delivered' | 'read' | 'error';

/** The outbox: every message to a person is a row first, then a job. */
export const messages = pgTable(
  'messages',
  {
    id: text('id').primaryKey(),
    /** Insertion order: a chat's messages go out in this order (created_at ties within a transaction). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    caseId: text('case_id'),
    instanceId: text('instance_id'),
    recipientKind: text('recipient_kind').notNull(),
    recipientId: text('recipient_id').notNull(),
    channel: text('channel'),
    address: text('address'),
    template: text('template').notNull(),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    choices: jsonb('choices')
      .$type<{ action: string; label: { id: string; en?: string | undefined } }[]>()
      .notNull()
      .default([]),
    status: text('status').$type<MessageStatus>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: at('sent_at'),
    /** The message this one re-sends by email because its chat could not reach the person. */
    forwardedFrom: text('forwarded_from'),
    /** The channel's own id of what was sent (WhatsApp's message id), to match its acks and retry requests. */
    externalId: text('external_id'),
    /** The channel's last word on it: server ack, delivered, read, or an error ack. */
    delivery: text('delivery').$type<DeliveryState>(),
    deliveryAt: at('delivery_at'),
    /** The error ack's code (WhatsApp's 463…), with its reason in last_error. */
    errorCode: text('error_code'),
    /** Why a pending message is held back for now (WhatsApp's daily cap); null when it is not. */
    heldReason: text('held_reason'),
    /** Sends that got no server ack in time: one is sent again, a second fails. */
    ackMisses: integer('ack_misses').notNull().default(0),
    /** What went over the wire (WhatsApp's message, BufferJSON), for a recipient's retry request. */
    sentContent: text('sent_content'),
  },
  (t) => [
    // Each message is forwarded once. Only forwarded copies have an entry: a message and each of
    // its status updates added one for its null (issue 17).
    uniqueIndex('messages_forwarded_from').on(t.forwardedFrom).where(sql`${t.forwardedFrom} is not null`),
    index('messages_external').on(t.channel, t.externalId).where(sql`${t.externalId} is not null`),
    index('messages_sending').on(t.channel, t.sentAt).where(sql`${t.status} = 'sending'`),
    index('messages_case').on(t.caseId),
    // The pending messages, by chat in order: the claims' and the chat's lines' lookups, and any
    // look over all pending rows (the reconciler's, the held ones on the WhatsApp page). A second
    // index of them by created_at served no query and cost every message an entry (issue 17).
    index('messages_chat_pending').on(t.channel, t.address, t.seq).where(sql`${t.status} = 'pending'`),
  ],
);

/**
 * A chat whose line of outgoing messages is paused: its first message failed past every retry, so
 * it and everything after it wait (in order, none dropped) until an admin sends the line again or
 * discards it. Without the pause each message behind a failing head dead-lettered in turn, minutes
 * apart, while the rest sat pending and unseen.
 */
export const pausedLines = pgTable(
  'paused_lines',
  {
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    /** The message at the head of the line, the one that failed: the console names the line by it. */
    headMessageId: text('head_message_id').notNull(),
    lastError: text('last_error'),
    pausedAt: at('paused_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.address] }), uniqueIndex('paused_lines_head').on(t.headMessageId)],
);

/** Where each chat is in its conversation, so a restart resumes mid-flow. */
export const conversations = pgTable(
  'conversations',
  {
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    language: text('language').notNull().default('id'),
    flow: text('flow').notNull().default('menu'),
    step: text('step').notNull().default('start'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.address] })],
);

/** Every message a person sent; the unique key makes a redelivered update a no-op. */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull(),
    address: text('address').notNull(),
    /**
     * The channel's idempotency key. Null once released: a Telegram update id is kept only while
     * Telegram may deliver it again (see src/db/inbound-messages.ts), since Telegram reuses ids later.
     */
    key: text('key'),
    text: text('text'),
    choice: text('choice'),
    attachmentId: text('attachment_id'),
    receivedAt: createdAt(),
  },
  (t) => [
    uniqueIndex('inbound_messages_key').on(t.channel, t.key),
    index('inbound_messages_chat').on(t.channel, t.address, t.id),
  ],
);

/** Files people sent (photos, PDFs) and kelengkapan officials attached; the bytes live under DATA_DIR. */
export const attachments = pgTable(
  'attachments',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id'),
    name: text('name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: text('uploaded_by'),
    /** An output document the reporter receives once the case closes, under this name (SOP `publishes`). */
    publicName: text('public_name'),
    /** For an official's file: the kelengkapan it was attached as (e.g. "BA konfirmasi penyelesaian"). */
    kelengkapan: text('kelengkapan'),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_case').on(t.caseId)],
);

/** Published tata laksana documents (SOP 000 steps 1–2): each revision a row. */
export const documents = pgTable(
  'documents',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull(),
    title: text('title').notNull(),
    revision: integer('revision').notNull().default(0),
    revisionDate: text('revision_date'),
    category: text('category'),
    synopsis: text('synopsis').notNull(),
    fileName: text('file_name').notNull(),
    mime: text('mime').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    published: boolean('published').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [index('documents_number').on(t.number, t.revision)],
);

/** The buku tamu: who downloaded which document, when, over which channel. */
export const downloads = pgTable(
  'downloads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    documentId: text('document_id')
      .notNull()
      .references(() => documents.id),
    stakeholderId: text('stakeholder_id').references(() => stakeholders.id),
    channel: text('channel').notNull(),
    at: at('at').notNull().defaultNow(),
  },
  (t) => [index('downloads_document').on(t.documentId, t.at)],
);

/** One-time codes an official sends in a chat to bind it to themselves. */
export const linkCodes = pgTable('link_codes', {
  code: text('code').primaryKey(),
  officialId: text('official_id')
    .notNull()
    .references(() => officials.id),
  expiresAt: at('expires_at').notNull(),
  usedAt: at('used_at'),
  createdAt: createdAt(),
});

/** A channel's own reference to a document already uploaded to it (Telegram file_id), so it is sent once. */
export const channelFileCache = pgTable(
  'channel_file_cache',
  {
    channel: text('channel').notNull(),
    documentId: text('document_id').notNull(),
    fileRef: text('file_ref').notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.documentId] })],
);

/**
 * WhatsApp (Baileys) auth state: creds and signal keys, one row per key, written in one
 * transaction per update so a crash cannot tear it, and shared by every machine.
 */
export const whatsappAuth = pgTable(
  'whatsapp_auth',
  {
    session: text('session').notNull(),
    key: text('key').notNull(),
    /** JSON with Buffers encoded the way Baileys' BufferJSON does. */
    value: text('value').notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.session, t.key] })],
);

/** WhatsApp may show a sender as a LID (…@lid) or a phone JID; both map to one chat address. */
export const whatsappContacts = pgTable('whatsapp_contacts', {
  lid: text('lid').primaryKey(),
  phoneJid: text('phone_jid').notNull(),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** Each channel's health for the console: polling/webhook/connected/waiting for pairing/logged out. */
export const channelStates = pgTable('channel_states', {
  channel: text('channel').primaryKey(),
  state: text('state').notNull(),
  detail: text('detail'),
  lastError: text('last_error'),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

/** Console accounts: admin (everything) or pimpinan (read-only tracking and reports). */
export const adminAccounts = pgTable('admin_accounts', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role').$type<'admin' | 'pimpinan'>().notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

/** Server-side console sessions; the cookie holds only the random id, stored here hashed. */
export const adminSessions = pgTable(
  'admin_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    /** An admin account, or an official signed in through a one-time link from their chat. */
    accountId: text('account_id'),
    officialId: text('official_id'),
    csrfToken: text('csrf_token').notNull(),
    expiresAt: at('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('admin_sessions_expiry').on(t.expiresAt)],
);

/** One-time sign-in links an official asks for in their chat (/masuk). */
export const officialLoginTokens = pgTable('official_login_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  officialId: text('official_id')
    .notNull()
    .references(() => officials.id),
  expiresAt: at('expires_at').notNull(),
  usedAt: at('used_at'),
  createdAt: createdAt(),
});

/** Append-only record of every console action (and every view of a rahasia identity). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: at('at').notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
  },
  (t) => [index('audit_log_at').on(t.at)],
);

/**
 * Survei Kepuasan Masyarakat (PermenPANRB 14/2017): one answer per case, or its refusal. No
 * stakeholder column: the reports read it anonymously, and erasing the reporter leaves it whole.
 */
export const surveyResponses = pgTable(
  'survey_responses',
  {
    caseId: text('case_id')
      .primaryKey()
      .references(() => cases.id),
    /** Each unsur's score, 1–4, by unsur id (u1…u9); empty when skipped. */
    scores: jsonb('scores').$type<Record<string, number>>().notNull().default({}),
    comment: text('comment'),
    /** The reporter chose not to answer: asked once, counted as no respondent. */
    skipped: boolean('skipped').notNull().default(false),
    channel: text('channel'),
    answeredAt: at('answered_at').notNull(),
  },
  (t) => [index('survey_responses_answered').on(t.answeredAt)],
);
