import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { createLoginToken } from '../src/db/official-login-tokens.js';
import { addOfficial } from '../src/db/officials.js';
import { auditLog, caseEvents, cases, stepInstances } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { TestChannel } from './support/chat-driver.js';
import { addSmsOfficials, fileComplaint } from './support/complaints.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
const channel = new TestChannel();
let officials: Awaited<ReturnType<typeof addSmsOfficials>>;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel] });
  web = await buildWeb(app);
  await web.ready();
  officials = await addSmsOfficials(app, channel, '19800101200501700');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

async function openStep(ticket: string) {
  const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
  const [step] = await database.db
    .select()
    .from(stepInstances)
    .where(eq(stepInstances.id, row?.openInstanceId ?? ''));
  if (!row || !step) throw new Error(`no open step for ${ticket}`);
  return { caseRow: row, step };
}

/** An official's console session, as their chat's one-time MASUK link opens it. */
async function officialSession(officialId: string): Promise<{ cookie: string; csrf: string }> {
  const { token } = await createLoginToken(database.db, officialId, new Date());
  const res = await web.inject({ method: 'POST', url: `/admin/masuk/${token}` });
  const session = res.cookies.find((c) => c.name === 'siput_admin');
  if (!session) throw new Error('no session for the official');
  const cookie = `siput_admin=${session.value}`;
  const tasks = await web.inject({ method: 'GET', url: '/admin/tasks', headers: { cookie } });
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(tasks.body)?.[1] ?? '' };
}

describe('an admin asks the reporter from the case page', () => {
  it('stops the step’s clock, asks the reporter, tells the holder and records it; a second request is refused', async () => {
    const { chat: reporter, ticket } = await fileComplaint(app, channel, { name: 'Rina' });
    const { caseRow, step } = await openStep(ticket);
    const admin = await signIn(app, web, 'peminta');

    const page = await web.inject({ method: 'GET', url: `/admin/cases/${ticket}`, headers: { cookie: admin.cookie } });
    expect(page.body).toContain('Minta kelengkapan ke pelapor');
    const res = await web.inject({
      method: 'POST',
      url: `/admin/cases/${ticket}/minta-kelengkapan`,
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrf, instanceId: step.id, note: 'Mohon kirim tangkapan layar galatnya.' },
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/admin/cases/${ticket}?ask=sent#minta-kelengkapan`);

    const { step: after } = await openStep(ticket);
    expect(after.id).toBe(step.id);
    expect(after.pausedAt).not.toBeNull();
    expect(after.pauseUntil).not.toBeNull();
    const [paused] = await database.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseRow.id), eq(caseEvents.kind, 'paused')));
    expect(paused).toMatchObject({ actor: 'admin:peminta', note: 'Mohon kirim tangkapan layar galatnya.' });
    expect(
      await database.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'case.ask_reporter'), eq(auditLog.target, ticket))),
    ).toMatchObject([{ actor: 'admin:peminta', target: ticket }]);
    const holder = step.assigneeId === officials.ids['staf-pelaksana'] ? officials.chats['staf-pelaksana'] : null;
    expect(holder).not.toBeNull();
    await eventually('the reporter and the holder to be told', async () => {
      await reporter.settle();
      await holder?.settle();
      const asked = reporter.received.some(
        (m) =>
          m.text.includes('Mohon kirim tangkapan layar galatnya.') &&
          m.choices.some((c) => c.label === 'Kirim jawaban'),
      );
      const told = holder?.received.some(
        (m) => m.text.startsWith('Admin meminta kelengkapan') && m.text.includes(ticket),
      );
      return asked && told;
    });

    const shown = await web.inject({
      method: 'GET',
      url: res.headers.location as string,
      headers: { cookie: admin.cookie },
    });
    expect(shown.body).toContain('telah dikirim ke pelapor');
    // The status says so at any hour (the time waited so far counts office hours only).
    expect(shown.body).toContain('Menunggu pelapor sampai');
    expect(shown.body).not.toContain('name="note"');

    const again = await web.inject({
      method: 'POST',
      url: `/admin/cases/${ticket}/minta-kelengkapan`,
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrf, instanceId: step.id, note: 'Sekali lagi.' },
    });
    expect(again.headers.location).toBe(`/admin/cases/${ticket}?ask=already_waiting#minta-kelengkapan`);
    const refused = await web.inject({
      method: 'GET',
      url: again.headers.location as string,
      headers: { cookie: admin.cookie },
    });
    expect(refused.body).toContain(`Tiket ${ticket} sudah menunggu jawaban pelapor.`);
  });

  it('is refused to a pimpinan and without a note, and the clock keeps running', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Sari' });
    const { step } = await openStep(ticket);
    const pimpinan = await signIn(app, web, 'pimpinan-minta', 'pimpinan');
    const page = await web.inject({
      method: 'GET',
      url: `/admin/cases/${ticket}`,
      headers: { cookie: pimpinan.cookie },
    });
    expect(page.body).not.toContain('Kirim permintaan');
    const readOnly = await web.inject({
      method: 'POST',
      url: `/admin/cases/${ticket}/minta-kelengkapan`,
      headers: { cookie: pimpinan.cookie },
      payload: { _csrf: pimpinan.csrf, instanceId: step.id, note: 'Tolong.' },
    });
    expect(readOnly.statusCode).toBe(403);

    const admin = await signIn(app, web, 'peminta');
    const blank = await web.inject({
      method: 'POST',
      url: `/admin/cases/${ticket}/minta-kelengkapan`,
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrf, instanceId: step.id, note: '   ' },
    });
    expect(blank.headers.location).toBe(`/admin/cases/${ticket}?ask=note_required#minta-kelengkapan`);
    expect((await openStep(ticket)).step.pausedAt).toBeNull();
  });
});

describe('an official asks the reporter from their task list', () => {
  it('asks for a step of theirs, shows it waiting, and refuses one that is not theirs', async () => {
    const { chat: reporter, ticket } = await fileComplaint(app, channel, { name: 'Tono' });
    const { step } = await openStep(ticket);
    const holderId = step.assigneeId ?? '';
    const holder = await officialSession(holderId);

    const tasks = await web.inject({ method: 'GET', url: '/admin/tasks', headers: { cookie: holder.cookie } });
    expect(tasks.body).toContain(ticket);
    expect(tasks.body).toContain(`name="instanceId" value="${step.id}"`);

    const strangerId = await addOfficial(database.db, {
      nip: '198001012005017999',
      name: 'Staf Lain',
      roleId: 'staf-pelaksana',
      unitId: 'ortala',
    });
    const stranger = await officialSession(strangerId);
    const notTheirs = await web.inject({
      method: 'POST',
      url: '/admin/tasks/minta-kelengkapan',
      headers: { cookie: stranger.cookie },
      payload: { _csrf: stranger.csrf, ticket, instanceId: step.id, note: 'Kirim KTP.' },
    });
    expect(notTheirs.headers.location).toBe(`/admin/tasks?ask=not_assignee&ticket=${ticket}`);
    expect((await openStep(ticket)).step.pausedAt).toBeNull();

    const res = await web.inject({
      method: 'POST',
      url: '/admin/tasks/minta-kelengkapan',
      headers: { cookie: holder.cookie },
      payload: { _csrf: holder.csrf, ticket, instanceId: step.id, note: 'Mohon kirim nomor SOP yang dimaksud.' },
    });
    expect(res.headers.location).toBe(`/admin/tasks?ask=sent&ticket=${ticket}`);
    expect((await openStep(ticket)).step.pausedAt).not.toBeNull();
    const [paused] = await database.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.instanceId, step.id), eq(caseEvents.kind, 'paused')));
    expect(paused).toMatchObject({ actor: holderId, note: 'Mohon kirim nomor SOP yang dimaksud.' });
    await eventually('the reporter to be asked', async () => {
      await reporter.settle();
      return reporter.received.some((m) => m.text.includes('Mohon kirim nomor SOP yang dimaksud.'));
    });

    const shown = await web.inject({
      method: 'GET',
      url: res.headers.location as string,
      headers: { cookie: holder.cookie },
    });
    expect(shown.body).toContain(`Permintaan kelengkapan tiket ${ticket} telah dikirim`);
    expect(shown.body).toContain('Menunggu pelapor');
    expect(shown.body).not.toContain(`name="instanceId" value="${step.id}"`);
  });
});
