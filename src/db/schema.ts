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
import type { WorkingHours } from '../sop/working-calendar.js';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => at('created_at').notNull().defaultNow();

/** A work unit (e.g. Bagian Ortala) with its own office hours and time zone. */
export const units = pgTable('units', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull().default('Asia/Jakarta'),
  /** Per ISO weekday lists of {start,end}; null means Mon–Fri 08:00–16:00. */
  workingHours: jsonb('working_hours').$type<WorkingHours | null>(),
  createdAt: createdAt(),
});

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
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sopId, t.version] })],
);

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
    stepSeq: integer('step_seq').notNull(),
    path: jsonb('path').$type<string[]>().notNull(),
    holders: jsonb('holders').$type<Record<string, string>>().notNull().default({}),
    openInstanceId: text('open_instance_id'),
  },
  (t) => [index('cases_status_opened').on(t.status, t.openedAt), index('cases_stakeholder').on(t.stakeholderId)],
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
    nextRung: integer('next_rung').notNull().default(0),
    nextTimerAt: at('next_timer_at'),
    escalationLevel: integer('escalation_level').notNull().default(0),
  },
  (t) => [
    index('step_instances_case').on(t.caseId, t.seq),
    index('step_instances_open_timer').on(t.nextTimerAt).where(sql`${t.leftAt} is null`),
    index('step_instances_assignee_open').on(t.assigneeId).where(sql`${t.leftAt} is null`),
    // Reports read a period's finished steps by when they were left.
    index('step_instances_left').on(t.leftAt, t.caseId),
    // Steps left before working time was recorded, measured once on the first report.
    index('step_instances_unmeasured').on(t.leftAt).where(sql`${t.workingMs} is null and ${t.leftAt} is not null`),
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
    attachments: jsonb('attachments').$type<{ id: string; name: string }[]>().notNull().default([]),
    target: text('target'),
  },
  (t) => [index('case_events_case').on(t.caseId, t.id)],
);

/** Idempotency keys of events already applied: a redelivered update or a timer fired twice acts once. */
export const processedEvents = pgTable('processed_events', {
  key: text('key').primaryKey(),
  caseId: text('case_id'),
  processedAt: createdAt(),
});

/** `discarded`: a dead-lettered message an admin chose not to send again; kept for the record. */
export type MessageStatus = 'pending' | 'sent' | 'dead' | 'undeliverable' | 'discarded';

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
  },
  (t) => [
    index('messages_pending').on(t.createdAt).where(sql`${t.status} = 'pending'`),
    index('messages_case').on(t.caseId),
    index('messages_chat_pending').on(t.channel, t.address, t.seq).where(sql`${t.status} = 'pending'`),
  ],
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
    key: text('key').notNull(),
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
