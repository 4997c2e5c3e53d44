import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { attachments, cases, officials, stakeholders } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

const BA = 'BA konfirmasi penyelesaian';
const LP = 'draf Laporan penyelesaian';

const wib = (local: string) => DateTime.fromISO(local, { zone: 'Asia/Jakarta' }).toJSDate();

let database: Database;
let app: App;
let web: FastifyInstance;
let clock = wib('2026-08-03T08:00');
let ticket = '';
let caseId = '';
let cookie = '';

beforeAll(async () => {
  database = await freshDatabase();
  // The engine runs on the test's clock; no workers, so reminders come only when the test fires them.
  app = await testApp(database, testConfig(), { workers: false, now: () => clock });
  web = await buildWeb(app);
  await web.ready();
  await addOfficial(database.db, { nip: '1', name: 'Bu Kasubag', roleId: 'kasubag-tl', unitId: 'ortala' });
  await addOfficial(database.db, {
    nip: '2',
    name: 'Pak Staf',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
    superiorNip: '1',
  });
  await database.db.insert(stakeholders).values({ id: 'p1', name: 'Pelapor', language: 'id' });
  ({ caseId, ticket } = await app.cases.submit({
    sopId: 'siput-sms',
    unitId: 'ortala',
    stakeholderId: 'p1',
    category: 'keluhan',
    subject: 'SOP pengadaan',
    body: 'Dokumen tidak bisa dibuka.',
    channel: 'web',
  }));
  const instance = `${caseId}_1`;
  // Step 4 (3 hari kerja) is due Thursday 6 August 08:00; the ladder reminds at the deadline and
  // two hours later, then escalates to the superior a working day after.
  clock = wib('2026-08-06T08:00');
  await app.cases.dispatch(caseId, { type: 'timer', instanceId: instance, rung: 0 });
  clock = wib('2026-08-07T08:00');
  await app.cases.dispatch(caseId, { type: 'timer', instanceId: instance, rung: 1 });
  await app.cases.dispatch(caseId, { type: 'timer', instanceId: instance, rung: 2 });
  await database.db.insert(attachments).values([
    { id: 'ba-1', caseId, name: 'ba-konfirmasi.pdf', mime: 'application/pdf', size: 4, sha256: 'x', kelengkapan: BA },
    { id: 'lp-1', caseId, name: 'laporan.docx', mime: 'application/pdf', size: 4, sha256: 'x', kelengkapan: LP },
  ]);
  clock = wib('2026-08-10T10:00');
  const [staf] = await database.db.select().from(cases).where(eq(cases.id, caseId));
  expect(staf?.openInstanceId).toBe(instance);
  await app.cases.dispatch(caseId, {
    type: 'act',
    instanceId: instance,
    action: 'selesai-dengan-penjelasan',
    actorId: (await officialId('2')) ?? '',
    note: 'Sudah dikonfirmasi lewat telepon.',
    attachments: [
      { id: 'ba-1', name: 'ba-konfirmasi.pdf', kelengkapan: BA },
      { id: 'lp-1', name: 'laporan.docx', kelengkapan: LP },
    ],
  });
  ({ cookie } = await signIn(app, web, 'pemantau'));
});

async function officialId(nip: string) {
  const [o] = await database.db.select({ id: officials.id }).from(officials).where(eq(officials.nip, nip));
  return o?.id;
}

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

describe('the case page', () => {
  it('shows each step with its holder, times, action, note and files, the late one marked', async () => {
    const res = await web.inject({ method: 'GET', url: `/admin/cases/${ticket}`, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    const rows = res.body.split('<tr').filter((r) => r.includes('<td>'));
    const step4 = rows.find((r) => r.includes('<strong>4</strong>')) ?? '';
    expect(step4).toContain('row-late');
    expect(step4).toContain('Pak Staf');
    expect(step4).toContain('3 Agu 2026 08.00 WIB');
    expect(step4).toContain('6 Agu 2026 08.00 WIB');
    expect(step4).toContain('10 Agu 2026 10.00 WIB');
    expect(step4).toContain('42 j');
    expect(step4).toContain('Terlambat');
    expect(step4).toContain('Selesai dengan penjelasan');
    expect(step4).toContain('Sudah dikonfirmasi lewat telepon.');
    // Each file under the kelengkapan it is.
    expect(step4).toContain(
      `<span class="kelengkapan">BA konfirmasi penyelesaian</span>: <a href="/admin/cases/${ticket}/files/ba-1">ba-konfirmasi.pdf</a>`,
    );
    expect(step4).toContain(
      `<span class="kelengkapan">draf Laporan penyelesaian</span>: <a href="/admin/cases/${ticket}/files/lp-1">laporan.docx</a>`,
    );
    const step5a = rows.find((r) => r.includes('<strong>5a</strong>')) ?? '';
    expect(step5a).toContain('Bu Kasubag');
    expect(step5a).toContain('masih berjalan');
    // Still open, and the page's clock is the wall clock, long past its due time of 11 August.
    expect(step5a).toContain('row-late');
  });

  it('lists the reminders and escalations sent, and what the stakeholder was told', async () => {
    const res = await web.inject({ method: 'GET', url: `/admin/cases/${ticket}`, headers: { cookie } });
    const events = res.body.slice(res.body.indexOf('Catatan peristiwa'));
    expect(events.match(/Pengingat dikirim/g)?.length).toBeGreaterThanOrEqual(2);
    expect(events).toContain('Eskalasi dikirim');
    expect(events).toContain('→ Bu Kasubag');
    const told = res.body.slice(res.body.indexOf('Yang disampaikan kepada pelapor'));
    expect(told).toContain(`Terima kasih. Tiket Anda ${ticket} telah kami terima`);
    expect(told).toContain('tidak ada kanal tujuan');
  });

  it('answers an unknown ticket with a 404 inside the console', async () => {
    const res = await web.inject({ method: 'GET', url: '/admin/cases/SMS-2026-999999', headers: { cookie } });
    expect(res.statusCode).toBe(404);
  });
});
