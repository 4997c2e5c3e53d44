import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { stakeholders, stepInstances } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
let cookie: string;
let staf: string;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false });
  staf = await addOfficial(database.db, { nip: '7', name: 'Pak Staf', roleId: 'staf-pelaksana', unitId: 'ortala' });
  web = await buildWeb(app);
  await web.ready();
  ({ cookie } = await signIn(app, web, 'jam'));
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const page = async (url: string) => (await web.inject({ method: 'GET', url, headers: { cookie } })).body;

describe('the console marks the office’s clock', () => {
  it('shows SIPUT’s default waktu, a wait on the reporter on the case page, and the waits in the report', async () => {
    const stakeholderId = randomUUID();
    await database.db.insert(stakeholders).values({ id: stakeholderId, name: 'Pelapor' });
    const { caseId, ticket } = await app.cases.submit({
      sopId: 'siput-sms',
      unitId: 'ortala',
      stakeholderId,
      body: 'Tautan rusak',
    });
    const instanceId = `${caseId}_1`;
    await app.cases.dispatch(caseId, { type: 'askReporter', instanceId, actorId: staf, note: 'Tautan yang mana?' });

    const waiting = await page(`/admin/cases/${ticket}`);
    // Step 4's 3 hari kerja is SIPUT's: the seed leaves it blank.
    expect(waiting).toContain('ketetapan SIPUT');
    expect(waiting).toContain('Menunggu pelapor sampai');
    expect(waiting).toContain('Kelengkapan diminta dari pelapor (waktu berhenti)');
    expect(waiting).toContain('Tautan yang mana?');
    // The tracking table says so, and a waiting case is never counted overdue.
    expect(await page('/admin/tracking')).toContain('Sedang diverifikasi dan dianalisis petugas — menunggu pelapor');
    await database.db.update(stepInstances).set({ dueAt: new Date(Date.now() - 3_600_000) });
    expect(await page('/admin/tracking?overdue=1')).not.toContain(ticket);

    await app.cases.dispatch(caseId, { type: 'reporterAnswer', by: 'stakeholder', text: 'Tautan unduhan SOP' });
    // Running again (its deadline moved only by the working time waited), it is overdue once more.
    await database.db.update(stepInstances).set({ dueAt: new Date(Date.now() - 3_600_000) });
    expect(await page('/admin/tracking?overdue=1')).toContain(ticket);
    const sop = await app.sops.active('siput-sms');
    const action = sop?.steps.find((s) => s.id === '4')?.actions.find((a) => a.id === 'perlu-revisi');
    await app.cases.dispatch(caseId, {
      type: 'act',
      instanceId,
      action: 'perlu-revisi',
      actorId: staf,
      attachments: (action?.requires ?? []).map((name, i) => ({ id: `f${i}`, name: 'nd.docx', kelengkapan: name })),
    });
    const answered = await page(`/admin/cases/${ticket}`);
    expect(answered).toContain('Pelapor menjawab (waktu berjalan lagi)');
    expect(answered).not.toContain('Menunggu pelapor sampai');

    const now = DateTime.now().setZone('Asia/Jakarta');
    const report = await page(`/admin/reports?period=month&year=${now.year}&month=${now.month}`);
    expect(report).toContain('<th scope="col">Menunggu pelapor</th>');
    const row = /<tr data-step="siput-sms:4">(.*?)<\/tr>/s.exec(report)?.[1] ?? '';
    expect(row).toContain('ketetapan SIPUT');
    expect(row).toContain('1 kali');
  });
});
