import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { assignWaitingSteps, countUnheldSteps } from '../src/cases/waiting-steps.js';
import { run } from '../src/cli/run.js';
import type { Database } from '../src/db/client.js';
import { createLinkCode } from '../src/db/link-codes.js';
import { addOfficial } from '../src/db/officials.js';
import { cases, messages, officials, stepInstances } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, REDIS_URL, testApp, testConfig } from './support/app.js';
import { Chat, TestChannel, texts } from './support/chat-driver.js';
import { fileComplaint } from './support/complaints.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database & { url: string };
let app: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };
const channel = new TestChannel();
let alerted: Chat;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { channels: [channel] });
  web = await buildWeb(app);
  session = await signIn(app, web, 'admin-pemegang');
  // Every SIPUT SMS role but the staf who takes step 4; the Kabag gets the admins' alerts.
  let superior: string | undefined;
  for (const [i, role] of ['karo-pok', 'kabag-ortala', 'kasubag-tl'].entries()) {
    const nip = `19700101199001100${i}`;
    await addOfficial(database.db, {
      nip,
      name: `Pejabat ${role}`,
      roleId: role,
      unitId: 'ortala',
      superiorNip: superior,
    });
    superior = nip;
  }
  await database.db.update(officials).set({ receivesAlerts: true }).where(eq(officials.roleId, 'kabag-ortala'));
  alerted = new Chat(app, channel, 'kabag-alerts');
  const { code } = await createLinkCode(database.db, '197001011990011001');
  expect(texts(await alerted.send(`DAFTAR ${code}`))).toContain('tertaut');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const post = (url: string, form: Record<string, string>) =>
  web.inject({ method: 'POST', url, headers: { cookie: session.cookie }, payload: { _csrf: session.csrf, ...form } });
const get = (url: string) => web.inject({ method: 'GET', url, headers: { cookie: session.cookie } });

async function openStep(ticket: string) {
  const [row] = await database.db.select().from(cases).where(eq(cases.ticket, ticket));
  const [step] = await database.db
    .select()
    .from(stepInstances)
    .where(eq(stepInstances.id, row?.openInstanceId ?? ''));
  if (!step) throw new Error(`${ticket} has no open step`);
  return step;
}

/** Task notices for `ticket` among the messages a chat received. */
const notices = (chat: Chat, ticket: string) =>
  chat.received.filter((m) => m.text.startsWith('Tugas baru') && m.text.includes(ticket));

describe('a step that enters when nobody holds its role', () => {
  let ticket: string;
  let stafId: string;
  let staf: Chat;
  let stafSecond: Chat;

  it('alerts the admins and waits visibly: counted, filtered and announced in the tracking table', async () => {
    ({ ticket } = await fileComplaint(app, channel, { name: 'Budi Santoso' }));
    expect((await openStep(ticket)).assigneeId).toBeNull();
    await eventually('the admins’ alert', async () => {
      await alerted.settle();
      return alerted.received.some((m) => m.text.includes(ticket) && m.text.includes('belum punya pelaksana'));
    });
    expect(await countUnheldSteps(database.db)).toBe(1);

    const table = await get('/admin/tracking');
    expect(table.body).toContain('1 langkah menunggu tanpa pemegang');
    expect(table.body).toContain('href="/admin/tracking?unheld=1"');
    const filtered = await get('/admin/tracking?unheld=1');
    expect(filtered.body).toContain(ticket);
    expect(filtered.body).toContain('1 tiket');
    expect(filtered.body).toMatch(/name="unheld" value="1" checked/);
  });

  it('becomes the step of the official added to the role in the console, announced once, sent when they link', async () => {
    const res = await post('/admin/people/officials', {
      nip: '197001011990011009',
      name: 'Staf Baru',
      roleId: 'staf-pelaksana',
      unitId: 'ortala',
      active: 'on',
    });
    expect(res.statusCode, res.body).toBe(303);
    const [row] = await database.db.select().from(officials).where(eq(officials.nip, '197001011990011009'));
    stafId = row?.id ?? '';
    expect((await openStep(ticket)).assigneeId).toBe(stafId);
    expect(await countUnheldSteps(database.db)).toBe(0);
    expect((await get('/admin/tracking')).body).not.toContain('langkah menunggu tanpa pemegang');
    expect((await get('/admin/tracking?unheld=1')).body).not.toContain(ticket);

    // No chat yet: the notice is kept, not lost. Sweeping again announces nothing twice.
    expect(await assignWaitingSteps(app.cases, database.db)).toBe(0);
    const kept = await database.db
      .select()
      .from(messages)
      .where(and(eq(messages.recipientId, stafId), eq(messages.template, 'step.assigned')));
    expect(kept.map((m) => m.status)).toEqual(['undeliverable']);

    staf = new Chat(app, channel, 'staf-baru');
    const { code } = await createLinkCode(database.db, '197001011990011009');
    await staf.send(`DAFTAR ${code}`);
    await eventually('the kept notice to arrive once linked', async () => {
      await staf.settle();
      return notices(staf, ticket).length > 0;
    });
    expect(notices(staf, ticket)).toHaveLength(1);
    expect(notices(staf, ticket)[0]?.choices.map((c) => c.label)).toContain(
      'b) Perlu revisi / dokumen baru: sampaikan rekomendasi ke Kasubag TL',
    );

    // Linking a second chat sends nothing again.
    const { code: again } = await createLinkCode(database.db, '197001011990011009');
    stafSecond = new Chat(app, channel, 'staf-baru-2');
    await stafSecond.send(`DAFTAR ${again}`);
    expect(notices(stafSecond, ticket)).toHaveLength(0);
    await staf.settle();
    expect(notices(staf, ticket)).toHaveLength(1);
  });

  it('goes to the holder back from leave (active again), who is linked and told at once', async () => {
    const off = await post(`/admin/people/officials/${stafId}`, {
      nip: '197001011990011009',
      name: 'Staf Baru',
      roleId: 'staf-pelaksana',
      unitId: 'ortala',
    });
    expect(off.statusCode, off.body).toBe(303);
    const { ticket: during } = await fileComplaint(app, channel, { name: 'Siti Aminah' });
    expect((await openStep(during)).assigneeId).toBeNull();

    const back = await post(`/admin/people/officials/${stafId}`, {
      nip: '197001011990011009',
      name: 'Staf Baru',
      roleId: 'staf-pelaksana',
      unitId: 'ortala',
      active: 'on',
    });
    expect(back.statusCode, back.body).toBe(303);
    expect((await openStep(during)).assigneeId).toBe(stafId);
    // To the chat they used last: the second one they linked.
    await eventually('the notice in the linked chat', async () => {
      await stafSecond.settle();
      return notices(stafSecond, during).length > 0;
    });
    await staf.settle();
    expect([...notices(stafSecond, during), ...notices(staf, during)]).toHaveLength(1);
  });

  it('goes to an official added with the CLI', async () => {
    await database.db.update(officials).set({ active: false }).where(eq(officials.id, stafId));
    const { ticket: waiting } = await fileComplaint(app, channel, { name: 'Andi Wijaya' });
    expect((await openStep(waiting)).assigneeId).toBeNull();

    const out: string[] = [];
    const err: string[] = [];
    const code = await run(
      [
        'official',
        'add',
        '--nip',
        '197001011990011010',
        '--name',
        'Staf CLI',
        '--role',
        'staf-pelaksana',
        '--unit',
        'ortala',
      ],
      {
        stdout: { write: (t: string) => out.push(t) },
        stderr: { write: (t: string) => err.push(t) },
        // This app's Redis and prefix: what the command queues goes to its workers, not to a shared default.
        env: { DATABASE_URL: database.url, LOG_LEVEL: 'silent', REDIS_URL, REDIS_PREFIX: app.prefix },
      },
    );
    expect(code, err.join('')).toBe(0);
    const id = out.join('').trim();
    expect((await openStep(waiting)).assigneeId).toBe(id);
    expect(err.join('')).toContain('1 waiting step(s) given to a holder');
  });
});
