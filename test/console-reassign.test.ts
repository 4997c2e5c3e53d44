import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { addOfficial } from '../src/db/officials.js';
import { auditLog, caseEvents, cases, stepInstances } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { Chat, TestChannel } from './support/chat-driver.js';
import { addSmsOfficials, fileComplaint } from './support/complaints.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
const channel = new TestChannel();
let officials: Awaited<ReturnType<typeof addSmsOfficials>>;
let other: { id: string; chat: Chat };

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { channels: [channel] });
  web = await buildWeb(app);
  await web.ready();
  officials = await addSmsOfficials(app, channel, '19800101200501800');
  const id = await addOfficial(database.db, {
    nip: '198001012005018099',
    name: 'Staf Kedua',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
  const chat = new Chat(app, channel, 'official-staf-kedua');
  const { code } = await createLinkCode(database.db, '198001012005018099');
  await chat.send(`DAFTAR ${code}`);
  other = { id, chat };
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
  return step;
}

describe('reassigning a step from the case page', () => {
  it('gives the step to the chosen official, tells both, and records it', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Hendra' });
    const before = await openStep(ticket);
    // Round-robin gave it to one of the two staf; it goes to the other one.
    const first = {
      id: officials.ids['staf-pelaksana'],
      chat: officials.chats['staf-pelaksana'],
      name: 'Pejabat staf-pelaksana',
    };
    const second = { ...other, name: 'Staf Kedua' };
    const [from, target] = before?.assigneeId === first.id ? [first, second] : [second, first];
    const holder = from.chat;
    const admin = await signIn(app, web, 'pengalih');

    const page = await web.inject({ method: 'GET', url: `/admin/cases/${ticket}`, headers: { cookie: admin.cookie } });
    expect(page.body).toContain('Alihkan langkah ini');
    const res = await web.inject({
      method: 'POST',
      url: `/admin/cases/${ticket}/reassign`,
      headers: { cookie: admin.cookie },
      payload: {
        _csrf: admin.csrf,
        instanceId: before?.id ?? '',
        toOfficialId: target.id,
        reason: 'Pemegang sedang dinas luar.',
      },
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe(`/admin/cases/${ticket}?done=reassigned`);

    const after = await openStep(ticket);
    expect(after?.id).toBe(before?.id);
    expect(after?.assigneeId).toBe(target.id);
    await eventually('both officials to be told', async () => {
      await holder.settle();
      await target.chat.settle();
      const away = holder.received.some((m) => m.text.includes(ticket) && m.text.includes('dialihkan ke pejabat lain'));
      const given = target.chat.received.some((m) => m.text.startsWith('Tugas baru') && m.text.includes(ticket));
      return away && given;
    });
    const [event] = await database.db
      .select()
      .from(caseEvents)
      .where(and(eq(caseEvents.kind, 'reassigned'), eq(caseEvents.instanceId, before?.id ?? '')));
    expect(event).toMatchObject({ actor: 'admin:pengalih', target: target.id, note: 'Pemegang sedang dinas luar.' });
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, 'case.reassign'));
    expect(audits).toMatchObject([{ actor: 'admin:pengalih', target: ticket }]);

    const shown = await web.inject({
      method: 'GET',
      url: res.headers.location as string,
      headers: { cookie: admin.cookie },
    });
    expect(shown.body).toContain('Langkah telah dialihkan');
    expect(shown.body).toContain('Dialihkan');
    expect(shown.body).toContain(`→ ${target.name}`);
  });

  it('is refused to a pimpinan, without the CSRF token, and for a step the case has left', async () => {
    const { ticket } = await fileComplaint(app, channel, { name: 'Indah' });
    const step = await openStep(ticket);
    const payload = { instanceId: step?.id ?? '', toOfficialId: other.id };
    const pimpinan = await signIn(app, web, 'pimpinan-alih', 'pimpinan');
    const page = await web.inject({
      method: 'GET',
      url: `/admin/cases/${ticket}`,
      headers: { cookie: pimpinan.cookie },
    });
    expect(page.body).not.toContain('Alihkan langkah ini');
    const readOnly = await web.inject({
      method: 'POST',
      url: `/admin/cases/${ticket}/reassign`,
      headers: { cookie: pimpinan.cookie },
      payload: { ...payload, _csrf: pimpinan.csrf },
    });
    expect(readOnly.statusCode).toBe(403);

    const admin = await signIn(app, web, 'pengalih');
    const noToken = await web.inject({
      method: 'POST',
      url: `/admin/cases/${ticket}/reassign`,
      headers: { cookie: admin.cookie },
      payload,
    });
    expect(noToken.statusCode).toBe(403);
    const stale = await web.inject({
      method: 'POST',
      url: `/admin/cases/${ticket}/reassign`,
      headers: { cookie: admin.cookie },
      payload: { ...payload, instanceId: `${step?.caseId}_9`, _csrf: admin.csrf },
    });
    expect(stale.headers.location).toContain('error=stale_step');
    expect((await openStep(ticket))?.assigneeId).toBe(step?.assigneeId);
  });
});
