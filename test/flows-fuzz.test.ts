import { and, asc, eq, gt, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import {
  attachments,
  caseEvents,
  cases,
  conversations,
  messages,
  stakeholders,
  stepInstances,
  units,
} from '../src/db/schema.js';
import { ensureUnit } from '../src/db/units.js';
import { actionToken } from '../src/flows/action-token.js';
import { confirmToken } from '../src/flows/confirm-token.js';
import { FLOWS } from '../src/flows/index.js';
import { answerReporterToken, askReporterToken } from '../src/flows/reporter-wait-token.js';
import { surveyToken } from '../src/flows/survey-token.js';
import { testApp, testConfig } from './support/app.js';
import { PDF } from './support/files.js';
import { freshDatabase } from './support/postgres.js';
import { seedCases } from './support/seed-cases.js';

/*
 * Random input into every step of every conversation. Each step has a route: a real walk (words
 * and the buttons the service offered, or the signed buttons its case messages carry) that brings
 * a fresh chat there. From it, a run sends a random mix of words, commands, files, the buttons
 * offered (pressed as they are, or altered: another action index under the same signature, a cut
 * or changed signature, another case's id). Whatever comes, the service answers, stays at a step
 * that exists, and an altered button moves no case.
 *
 * Bounded by runs, not time; FLOWS_FUZZ_SEED replays a failure (each route adds its index to it).
 */
const SEED = Number(process.env.FLOWS_FUZZ_SEED ?? 20_261_202);
const RUNS_PER_ROUTE = Number(process.env.FLOWS_FUZZ_RUNS ?? 2);
const CHANNEL = 'fuzz';

let database: Database;
let app: App;
let documentId: string;
const staf = { id: '' };
const kasubag = { id: '' };
const kabag = { id: '' };
/** Counters behind addresses, keys, tickets and file ids, so a seed replays the same run. */
let serial = 0;
const next = () => ++serial;

beforeAll(async () => {
  database = await freshDatabase();
  // No workers: the replies stay in the outbox, where the chats read them.
  app = await testApp(database, testConfig({ ROLE: 'web' }), { workers: false });
  // A second unit offering the registration SOP, so choosing it asks which unit (menu.unit).
  await ensureUnit(database.db, { id: 'dua', name: 'Unit Dua', timeZone: 'Asia/Jakarta' });
  await database.db
    .update(units)
    .set({ offeredSops: ['fasilitasi-sop'] })
    .where(eq(units.id, 'dua'));
  await database.db
    .update(units)
    .set({ offeredSops: ['siput-sms', 'fasilitasi-sop', 'pedoman-juklak'] })
    .where(eq(units.id, 'ortala'));
  const doc = await app.documents.add({
    number: 'SOP-ORTALA-001',
    title: 'Penanganan Pengaduan Masyarakat',
    revision: 0,
    revisionDate: '2026-01-15',
    category: 'pelayanan',
    synopsis: 'Tata cara menerima pengaduan.',
    fileName: 'sop.pdf',
    bytes: PDF,
  });
  await app.documents.publish(doc.id);
  documentId = doc.id;
  let superior: string | undefined;
  for (const [role, who] of [
    ['kabag-ortala', kabag],
    ['kasubag-tl', kasubag],
    ['staf-pelaksana', staf],
  ] as const) {
    const nip = `19800101200501${String(next()).padStart(4, '0')}`;
    who.id = await addOfficial(database.db, {
      nip,
      name: `Pejabat ${role}`,
      roleId: role,
      unitId: 'ortala',
      superiorNip: superior,
    });
    superior = nip;
  }
});

afterAll(async () => {
  await app?.close();
  await database?.close();
});

type Message = { text: string } | { choice: string } | { file: true };

/** A chat as the fuzz drives it: what it sends goes to the flows, what it gets back is read from the outbox. */
class FuzzChat {
  readonly address = `fuzz-${next()}`;
  #seq = 0;
  /** The buttons of the last answers, and every signed button this chat has seen. */
  offered: string[] = [];
  readonly signed = new Set<string>();

  async send(message: Message): Promise<{ replies: number; choices: string[] }> {
    const body =
      'file' in message
        ? { attachment: await newFile() }
        : 'text' in message
          ? { text: message.text }
          : { choice: message.choice };
    if ('choice' in message && isSigned(message.choice)) this.signed.add(message.choice);
    await app.flows.handle({ channel: CHANNEL, address: this.address, key: `k${next()}`, ...body });
    const rows = await database.db
      .select({ seq: messages.seq, choices: messages.choices })
      .from(messages)
      .where(and(eq(messages.channel, CHANNEL), eq(messages.address, this.address), gt(messages.seq, this.#seq)))
      .orderBy(asc(messages.seq));
    const choices = rows.flatMap((r) => r.choices.map((c) => c.action));
    this.#seq = rows.at(-1)?.seq ?? this.#seq;
    if (rows.length > 0) this.offered = choices;
    for (const c of choices) if (isSigned(c)) this.signed.add(c);
    return { replies: rows.length, choices };
  }

  text = (text: string) => this.send({ text });
  press = (choice: string) => this.send({ choice });
  file = () => this.send({ file: true });

  /** Presses the offered button whose value matches. */
  async pick(value: RegExp): Promise<void> {
    const choice = this.offered.find((c) => value.test(c));
    if (!choice) throw new Error(`no button ${value} among ${this.offered.join(', ')}`);
    await this.press(choice);
  }

  /** Where the conversation stands and what it holds. */
  async conversation(): Promise<unknown> {
    const [row] = await database.db
      .select({ flow: conversations.flow, step: conversations.step, data: conversations.data })
      .from(conversations)
      .where(and(eq(conversations.channel, CHANNEL), eq(conversations.address, this.address)));
    return row;
  }

  async state(): Promise<string> {
    const [row] = await database.db
      .select({ flow: conversations.flow, step: conversations.step })
      .from(conversations)
      .where(and(eq(conversations.channel, CHANNEL), eq(conversations.address, this.address)));
    return row ? `${row.flow}.${row.step}` : 'none';
  }
}

const isSigned = (value: string) => /^(a\.|[mj]\.|k[sb]\.|s[il]\.)/.test(value);

async function newFile(): Promise<{ id: string; name: string; mime: string }> {
  const id = `fuzz-file-${next()}`;
  await database.db
    .insert(attachments)
    .values({ id, name: 'berkas.pdf', mime: 'application/pdf', size: 1, sha256: 'x' });
  return { id, name: 'berkas.pdf', mime: 'application/pdf' };
}

/** A chat linked to an official, as DAFTAR leaves it. */
async function officialChat(official: { id: string }): Promise<FuzzChat> {
  const chat = new FuzzChat();
  await linkChannel(database.db, { kind: 'official', id: official.id }, CHANNEL, chat.address);
  return chat;
}

/** A chat whose person gave their identity and consent before. */
async function stakeholderChat(): Promise<{ chat: FuzzChat; stakeholderId: string }> {
  const chat = new FuzzChat();
  const stakeholderId = `fuzz-person-${next()}`;
  await database.db.insert(stakeholders).values({
    id: stakeholderId,
    name: 'Budi Santoso',
    email: 'budi@contoh.go.id',
    consentVersion: '1',
    consentAt: new Date(),
  });
  await linkChannel(database.db, { kind: 'stakeholder', id: stakeholderId }, CHANNEL, chat.address);
  return { chat, stakeholderId };
}

/** A case open at `stepId`, held by `assignee`; its open step visit and case id. */
async function openCase(opts: {
  sopId?: string;
  stepId: string;
  assignee: { id: string };
  stakeholderId?: string;
}): Promise<{ caseId: string; instanceId: string; ticket: string }> {
  const ticket = `SMS-2026-${String(900_000 + next())}`;
  const [caseId = ''] = await seedCases(database.db, [
    { ticket, sopId: opts.sopId, stepId: opts.stepId, assigneeId: opts.assignee.id, openedAt: new Date() },
  ]);
  if (opts.stakeholderId) {
    await database.db.update(cases).set({ stakeholderId: opts.stakeholderId }).where(eq(cases.id, caseId));
  }
  return { caseId, instanceId: `${caseId}_1`, ticket };
}

/** The official opens the task from /tugas and presses the action whose label matches. */
async function pressTaskAction(chat: FuzzChat, instanceId: string, label: RegExp): Promise<void> {
  await chat.text('tugas');
  await chat.press(actionToken(app.signer, instanceId, null));
  const [row] = await database.db
    .select({ sopId: cases.sopId, version: cases.sopVersion, stepId: stepInstances.stepId })
    .from(stepInstances)
    .innerJoin(cases, eq(cases.id, stepInstances.caseId))
    .where(eq(stepInstances.id, instanceId));
  const sop = await app.sops.get(row?.sopId ?? '', row?.version ?? 0);
  const index = sop?.steps.find((s) => s.id === row?.stepId)?.actions.findIndex((a) => label.test(a.label.id)) ?? -1;
  await chat.pick(new RegExp(`^${actionToken(app.signer, instanceId, index).replaceAll('.', '\\.')}$`));
}

/** A stakeholder's case closed by its official's last step; the stakeholder's chat. */
async function closedCase(): Promise<{ chat: FuzzChat; caseId: string }> {
  const { chat, stakeholderId } = await stakeholderChat();
  const { caseId, instanceId } = await openCase({ stepId: '11', assignee: staf, stakeholderId });
  const official = await officialChat(staf);
  await pressTaskAction(official, instanceId, /Progres sudah diperbarui/);
  await official.press('tl:skip');
  return { chat, caseId };
}

/** A fresh chat brought to `step` by its route. */
function via(step: string): Promise<FuzzChat> {
  const route = ROUTES[step];
  if (!route) throw new Error(`no route to ${step}`);
  return route();
}

/** How a fresh chat gets to each step of each conversation. */
const ROUTES: Record<string, () => Promise<FuzzChat>> = {
  'menu.start': async () => {
    const chat = new FuzzChat();
    await chat.text('halo');
    return chat;
  },
  'menu.unit': async () => {
    const chat = await via('menu.start');
    await chat.press('menu:sop:fasilitasi-sop');
    return chat;
  },
  'complaint.start': async () => {
    const chat = await via('menu.start');
    await chat.pick(/^menu:aspirasi$/);
    return chat;
  },
  'complaint.about': async () => {
    const chat = await via('complaint.start');
    await chat.pick(/^category:keluhan$/);
    return chat;
  },
  'complaint.text': async () => {
    const chat = await via('complaint.about');
    await chat.pick(/^skip$/);
    return chat;
  },
  'complaint.attachment': async () => {
    const chat = await via('complaint.text');
    await chat.text('Dokumen SOP pelayanan tidak dapat diunduh dari situs.');
    return chat;
  },
  'identity.name': async () => {
    const chat = await via('complaint.attachment');
    await chat.file();
    if ((await chat.state()) !== 'identity.name') await chat.pick(/^skip$/);
    return chat;
  },
  'identity.contact': async () => {
    const chat = await via('identity.name');
    await chat.text('Budi Santoso');
    return chat;
  },
  'identity.consent': async () => {
    const chat = await via('identity.contact');
    await chat.text('0812 3456 7890, budi@contoh.go.id');
    return chat;
  },
  'complaint.rahasia': async () => {
    const chat = await via('identity.consent');
    await chat.pick(/^consent:yes$/);
    return chat;
  },
  'complaint.confirm': async () => {
    const chat = await via('complaint.rahasia');
    await chat.pick(/^rahasia:no$/);
    return chat;
  },
  'status.start': async () => {
    const chat = await via('menu.start');
    await chat.pick(/^menu:status$/);
    return chat;
  },
  'status.lookup': async () => {
    const { chat, stakeholderId } = await stakeholderChat();
    const { ticket } = await openCase({ stepId: '4', assignee: staf, stakeholderId });
    await chat.text('halo');
    await chat.text(`STATUS ${ticket}`);
    return chat;
  },
  'documents.start': async () => {
    const chat = await via('menu.start');
    await chat.pick(/^menu:dokumen$/);
    return chat;
  },
  'documents.detail': async () => {
    const chat = await via('documents.start');
    await chat.pick(new RegExp(`^doc:${documentId}$`));
    return chat;
  },
  'documents.send': async () => {
    const { chat } = await stakeholderChat();
    await chat.text('halo');
    await chat.pick(/^menu:dokumen$/);
    await chat.pick(new RegExp(`^doc:${documentId}$`));
    await chat.pick(/^download$/);
    return chat;
  },
  'open.subject': async () => {
    // A known person, so the registration goes from its file straight to the summary.
    const { chat } = await stakeholderChat();
    await chat.text('halo');
    await chat.pick(/^menu:sop:fasilitasi-sop$/);
    await chat.pick(/^unit:ortala$/);
    return chat;
  },
  'open.body': async () => {
    const chat = await via('open.subject');
    await chat.text('SOP Pelayanan Informasi Publik');
    return chat;
  },
  'open.field': async () => {
    const chat = await via('open.body');
    if ((await chat.state()) === 'open.body') await chat.text('Penyusunan SOP baru untuk layanan informasi.');
    return chat;
  },
  'open.file': async () => {
    const chat = await via('open.field');
    await chat.text('Biro Umum');
    await chat.pick(/^field:baru$/);
    return chat;
  },
  'open.confirm': async () => {
    const chat = await via('open.file');
    await chat.file();
    return chat;
  },
  'open.start': async () => {
    const chat = await officialChat(kabag);
    await chat.text('baru');
    return chat;
  },
  'tasks.start': async () => {
    const chat = await officialChat(staf);
    await openCase({ stepId: '4', assignee: staf });
    await chat.text('tugas');
    return chat;
  },
  'act.attachment': async () => {
    const chat = await officialChat(staf);
    const { instanceId } = await openCase({ stepId: '4', assignee: staf });
    await pressTaskAction(chat, instanceId, /Selesai dengan penjelasan/);
    return chat;
  },
  'act.note': async () => {
    const chat = await officialChat(kasubag);
    const { instanceId } = await openCase({ stepId: '5a', assignee: kasubag });
    await pressTaskAction(chat, instanceId, /Kembalikan/);
    return chat;
  },
  'act.optional_note': async () => {
    const chat = await officialChat(kasubag);
    const { instanceId } = await openCase({ stepId: '5a', assignee: kasubag });
    await pressTaskAction(chat, instanceId, /Sahkan/);
    return chat;
  },
  'act.tindak_lanjut': async () => {
    const chat = await officialChat(staf);
    const { instanceId } = await openCase({ stepId: '11', assignee: staf });
    await pressTaskAction(chat, instanceId, /Progres sudah diperbarui/);
    return chat;
  },
  'act.visibility': async () => {
    const chat = await via('act.tindak_lanjut');
    await chat.text('SOP sudah diunggah ulang.');
    return chat;
  },
  'act.absent': async () => {
    const chat = await officialChat(kabag);
    const { instanceId } = await openCase({ sopId: 'pedoman-juklak', stepId: '14', assignee: kabag });
    await pressTaskAction(chat, instanceId, /./);
    // An approval first offers an optional note; skipping it leads on to the kelengkapan.
    if ((await chat.state()) === 'act.optional_note') await chat.pick(/^note:skip$/);
    while ((await chat.state()) === 'act.attachment' && !chat.offered.includes('kelengkapan.absent')) await chat.file();
    await chat.pick(/^kelengkapan\.absent$/);
    return chat;
  },
  'tanya.note': async () => {
    const chat = await officialChat(staf);
    const { instanceId } = await openCase({ stepId: '4', assignee: staf });
    await chat.press(askReporterToken(app.signer, instanceId));
    return chat;
  },
  'jawab.answer': async () => {
    const { chat, stakeholderId } = await stakeholderChat();
    const { caseId, instanceId } = await openCase({ stepId: '4', assignee: staf, stakeholderId });
    const official = await officialChat(staf);
    await official.press(askReporterToken(app.signer, instanceId));
    await official.text('Mohon kirim tangkapan layar halaman yang gagal diunduh.');
    await chat.press(answerReporterToken(app.signer, caseId));
    return chat;
  },
  'confirm.reason': async () => {
    const { chat, caseId } = await closedCase();
    await chat.press(confirmToken(app.signer, caseId, 'belum'));
    return chat;
  },
  'survey.unsur': async () => {
    const { chat, caseId } = await closedCase();
    await chat.press(confirmToken(app.signer, caseId, 'sudah'));
    await chat.press(surveyToken(app.signer, caseId, 'isi'));
    return chat;
  },
  'survey.comment': async () => {
    const chat = await via('survey.unsur');
    for (let i = 0; i < 9; i++) await chat.press('skor:3');
    return chat;
  },
};

/** fast-check's report (seed, path, counterexample) with the assertion that failed. */
function failure(err: unknown): string {
  const e = err as Error & { cause?: unknown };
  const cause = e.cause instanceof Error ? `\n${e.cause.message}` : '';
  return `${e.message}${cause}`;
}

/** Steps a chat passes through and never rests at: the step their route leaves it at instead. */
const PASSES_THROUGH: Readonly<Record<string, string>> = {
  // The status is shown and the chat is back at the menu.
  'status.lookup': 'menu.start',
  // The link is sent and the list of documents offered again.
  'documents.send': 'documents.start',
};

/** Every step of every conversation. */
const STEPS = Object.entries(FLOWS).flatMap(([flow, steps]) => Object.keys(steps).map((step) => `${flow}.${step}`));

/** A change to a button value that keeps it looking like one: the service must refuse it. */
type Alteration = 'index' | 'cut' | 'flip' | 'swap';

function alter(value: string, how: Alteration, other: string | undefined): string {
  const cut = value.lastIndexOf('.');
  const body = value.slice(0, cut);
  const tag = value.slice(cut + 1);
  switch (how) {
    case 'index': {
      // Another action of the same step (or "open" for an action) under the signature of this one.
      const m = /^(a\.[^.]+\.)(\d+|o)$/.exec(body);
      if (m) return `${m[1]}${m[2] === '0' ? '1' : '0'}.${tag}`;
      // The other answer of a confirmation or survey button (sudah/belum, isi/lewati) under this signature.
      const answer = /^(ks|kb|si|sl)\./.exec(body)?.[1];
      const swapped: Record<string, string> = { ks: 'kb', kb: 'ks', si: 'sl', sl: 'si' };
      if (answer) return `${swapped[answer]}${body.slice(2)}.${tag}`;
      return `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    }
    case 'cut':
      return `${value.slice(0, cut + 1)}${tag.slice(0, 8)}`;
    case 'flip':
      return `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    case 'swap': {
      // Another case's id under this button's signature.
      const otherBody = other ? other.slice(0, other.lastIndexOf('.')) : '';
      return otherBody && otherBody !== body
        ? `${otherBody}${value.slice(cut, cut + 1)}${tag}`
        : `${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    }
  }
}

type Move =
  | { kind: 'message'; message: Message }
  | { kind: 'offered'; index: number }
  | { kind: 'altered'; index: number; how: Alteration; other: number };

/** What people actually send: words, numbers, commands, stale and forged values, files, emoji, huge texts, and the buttons. */
const move: fc.Arbitrary<Move> = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((index) => ({ kind: 'offered' as const, index })) },
  {
    weight: 2,
    arbitrary: fc
      .record({ index: fc.nat(), how: fc.constantFrom<Alteration>('index', 'cut', 'flip', 'swap'), other: fc.nat() })
      .map((a) => ({ kind: 'altered' as const, ...a })),
  },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.string({ maxLength: 40 }),
        fc.constantFrom('1', '2', '3', '4', '9', '0', '-1', 'Lewati', 'Setuju', 'Kirim', 'ya', 'tidak', ''),
        fc.constantFrom(
          'menu',
          'batal',
          '/start XXXX',
          'DAFTAR ABCD1234',
          'STATUS SMS-2026-000001',
          '/lang en',
          'bahasa id',
          'tugas',
          'baru',
          'dokumen',
          '/bantuan',
        ),
        fc.string({ minLength: 1500, maxLength: 2600 }),
        fc.string({ unit: 'binary', maxLength: 30 }),
      )
      .map((text) => ({ kind: 'message' as const, message: { text } })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'menu:status',
        'menu:dokumen',
        'category:saran',
        'skip',
        'send',
        'edit:text',
        'consent:yes',
        'doc:nope',
        'sop:nope',
        'skor:9',
        'field:x',
        'tl:skip',
        'kelengkapan.absent',
        'visibility:public',
        'a.AAAAAAAAAAAAAAAAAAAAAA_1.0.AAAAAAAAAA',
        'ticket:SMS-2026-000001',
      )
      .map((choice) => ({ kind: 'message' as const, message: { choice } })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'message' as const, message: { file: true as const } }) },
);

/** Where every case stands and how much has happened to them: an altered button must change none of it. */
async function casesSnapshot(): Promise<string> {
  const [row] = await database.db
    .select({
      cases: sql<string>`md5(coalesce(string_agg(${cases.id} || ${cases.status} || coalesce(${cases.openInstanceId}, '') || ${cases.stepSeq}, ',' order by ${cases.id}), ''))`,
      events: sql<string>`(select count(*) from ${caseEvents})`,
    })
    .from(cases);
  return `${row?.cases} ${row?.events}`;
}

async function play(chat: FuzzChat, moves: readonly Move[]): Promise<void> {
  for (const m of moves) {
    const signed = [...chat.signed];
    if (m.kind === 'altered' && signed.length > 0) {
      const value = signed[m.index % signed.length] as string;
      const forged = alter(value, m.how, signed[m.other % signed.length]);
      if (chat.signed.has(forged)) continue;
      const before = { cases: await casesSnapshot(), chat: await chat.conversation() };
      const { replies } = await chat.press(forged);
      expect(replies, `an answer to the altered button ${forged}`).toBeGreaterThan(0);
      expect(await casesSnapshot(), `no case moved by the altered button ${forged}`).toBe(before.cases);
      expect(await chat.conversation(), `the chat stays where it was on the altered button ${forged}`).toEqual(
        before.chat,
      );
    } else {
      const message: Message =
        m.kind === 'message'
          ? m.message
          : m.kind === 'offered' && chat.offered.length > 0
            ? { choice: chat.offered[m.index % chat.offered.length] as string }
            : { text: 'halo' };
      const { replies } = await chat.send(message);
      expect(replies, `an answer to ${JSON.stringify(message).slice(0, 80)}`).toBeGreaterThan(0);
    }
    const at = await chat.state();
    expect(STEPS, `the chat left at ${at}`).toContain(at);
  }
}

describe('random input into every flow step', () => {
  it('has a route to every step of every conversation', () => {
    expect(Object.keys(ROUTES).sort()).toEqual([...STEPS].sort());
  });

  for (const [i, step] of STEPS.entries()) {
    it(`from ${step}: never crashes, always answers, stays at a known step, and refuses altered buttons`, async () => {
      const seed = SEED + i;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(move, { minLength: 1, maxLength: 8 }), async (moves) => {
            const chat = await via(step);
            expect(await chat.state(), `the route to ${step}`).toBe(PASSES_THROUGH[step] ?? step);
            await play(chat, moves);
          }),
          { seed, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
        );
      } catch (err) {
        throw new Error(
          `flow fuzz from ${step} failed; replay with FLOWS_FUZZ_SEED=${SEED} (this step's seed ${seed})\n${failure(err)}`,
        );
      }
    });
  }

  it('keeps a complaint draft through any amount of noise that is not a command', async () => {
    // Commands and the one choice offered at that point ("1", "Lewati") do move the conversation on.
    const command =
      /^\s*\/|^\s*(menu|batal|cancel|start|daftar|bahasa|lang|language|status|cek|tugas|tasks|dokumen|documents|bantuan|help|baru|masuk)\b/i;
    const offered = /^\s*(1|lewati)\s*$/i;
    const noise = fc.array(
      fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !command.test(s) && !offered.test(s)),
      { maxLength: 10 },
    );
    const seed = SEED - 1;
    try {
      await fc.assert(
        fc.asyncProperty(noise, async (words) => {
          const chat = await via('complaint.attachment');
          for (const text of words) await chat.text(text);
          const [state] = await database.db
            .select()
            .from(conversations)
            .where(and(eq(conversations.channel, CHANNEL), eq(conversations.address, chat.address)));
          expect(state?.flow).toBe('complaint');
          expect(state?.data.text).toBe('Dokumen SOP pelayanan tidak dapat diunduh dari situs.');
          expect(state?.data.category).toBe('keluhan');
        }),
        { seed, numRuns: 8, endOnFailure: true },
      );
    } catch (err) {
      throw new Error(`draft fuzz failed; replay with FLOWS_FUZZ_SEED=${SEED} (seed ${seed})\n${failure(err)}`);
    }
  });
});
