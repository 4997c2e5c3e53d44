import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog, cases, sopActive, sopDefinitions, stakeholders } from '../src/db/schema.js';
import type { SopDefinition } from '../src/sop/definition.js';
import { columnLetter, SHEETS, STEP_HEADER_ROWS, STEP_TAIL } from '../src/sop-document/sheet-layout.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { multipartForm } from './support/multipart.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
let admin: { cookie: string; csrf: string };
let sms: SopDefinition;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig());
  web = await buildWeb(app);
  admin = await signIn(app, web, 'admin-sop');
  const active = await app.sops.active('siput-sms');
  if (!active) throw new Error('siput-sms is not registered');
  sms = active;
  await database.db.insert(stakeholders).values({ id: 'p1', name: 'Pelapor', language: 'id' });
}, 60_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const get = (url: string, who = admin) => web.inject({ method: 'GET', url, headers: { cookie: who.cookie } });

function upload(name: string, bytes: Buffer, who = admin) {
  const form = multipartForm({ _csrf: who.csrf }, { name, bytes });
  return web.inject({
    method: 'POST',
    url: '/admin/sop/upload',
    headers: { ...form.headers, cookie: who.cookie },
    payload: form.payload,
  });
}

/** The problems table of a refused upload: [where, message] per row. */
function problemsOf(body: string): [string, string][] {
  return [...body.matchAll(/<td class="where">([^<]*)<\/td><td class="message">([^<]*)<\/td>/g)].map((m) => [
    m[1] ?? '',
    (m[2] ?? '').replaceAll('&quot;', '"'),
  ]);
}

async function storedVersions(): Promise<number[]> {
  const rows = await database.db
    .select({ version: sopDefinitions.version })
    .from(sopDefinitions)
    .where(eq(sopDefinitions.sopId, 'siput-sms'));
  return rows.map((r) => r.version).sort();
}

async function activeVersion(): Promise<number | undefined> {
  const [row] = await database.db.select().from(sopActive).where(eq(sopActive.sopId, 'siput-sms'));
  return row?.version;
}

describe('uploading an SOP in the console', () => {
  it('refuses a broken sheet with the cell of each problem, storing and activating nothing', async () => {
    const template = await get(`/admin/sop/siput-sms/${sms.version}/template.xlsx`);
    expect(template.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(template.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet(SHEETS.steps);
    if (!sheet) throw new Error('no Prosedur sheet');
    const lanes = sms.roles.length;
    const tail = 4 + lanes;
    const waktuColumn = tail + STEP_TAIL.findIndex((c) => c.key === 'waktu');
    const yaColumn = tail + STEP_TAIL.findIndex((c) => c.key === 'ya');
    const rowOf = (stepId: string) => STEP_HEADER_ROWS + 1 + sms.steps.findIndex((s) => s.id === stepId);
    const laneOf = (role: string) => 4 + sms.roles.findIndex((r) => r.id === role);
    const decision = sms.steps.find((s) => s.actions.some((a) => a.kind === 'approve'));
    const plain = sms.steps.find((s) => s !== decision && s.actions.length > 0);
    if (!decision || !plain) throw new Error('siput-sms has no decision step');
    const other = sms.roles.find((r) => r.id !== plain.actor);
    if (!other) throw new Error('siput-sms has one role');

    // An unknown role column, two marks in one row, a time nobody can read, a branch to no row.
    const lastLane = 4 + lanes - 1;
    sheet.getRow(3).getCell(lastLane).value = 'kepala-dinas';
    sheet.getRow(rowOf(plain.id)).getCell(laneOf(other.id)).value = 'X';
    sheet.getRow(rowOf(plain.id)).getCell(waktuColumn).value = 'secepatnya';
    sheet.getRow(rowOf(decision.id)).getCell(yaColumn).value = '99';
    const broken = Buffer.from(await book.xlsx.writeBuffer());

    const res = await upload('siput-sms-rusak.xlsx', broken);
    expect(res.statusCode).toBe(422);
    const problems = problemsOf(res.body);
    const at = (column: number, row: number) => `${SHEETS.steps}!${columnLetter(column)}${row}`;
    expect(problems).toEqual(
      expect.arrayContaining([
        [at(lastLane, 3), expect.stringContaining('kolom pelaksana "kepala-dinas"')],
        [at(laneOf(other.id), rowOf(plain.id)), expect.stringContaining('dua tanda pelaksana')],
        [at(waktuColumn, rowOf(plain.id)), expect.stringContaining('waktu "secepatnya" tidak dikenal')],
        [at(yaColumn, rowOf(decision.id)), 'cabang ke baris "99" yang tidak ada'],
      ]),
    );
    expect(res.body).toContain(`${problems.length} masalah`);
    expect(res.body).toContain('Tidak ada yang disimpan atau diaktifkan');
    expect(await storedVersions()).toEqual([sms.version]);
    expect(await activeVersion()).toBe(sms.version);
  });

  it('refuses broken YAML with the path of each problem, and a file that is not YAML with its line', async () => {
    const source = parseYaml((await get(`/admin/sop/siput-sms/${sms.version}/template.yaml`)).body);
    source.steps[2].actor = 'kepala-dinas';
    source.steps[4].actions[0].to = '99';
    source.steps[5].waktu = 'secepatnya';
    const res = await upload('siput-sms.yaml', Buffer.from(stringify(source)));
    expect(res.statusCode).toBe(422);
    const where = problemsOf(res.body).map((p) => p[0]);
    expect(where).toEqual(
      expect.arrayContaining([
        `steps[2] (id ${source.steps[2].id}).actor`,
        `steps[4] (id ${source.steps[4].id}).actions[0] (id ${source.steps[4].actions[0].id}).to`,
        `steps[5] (id ${source.steps[5].id}).waktu`,
      ]),
    );

    const torn = await upload('torn.yml', Buffer.from('id: x\nsteps: [1, 2\ntitle: y\n'));
    expect(torn.statusCode).toBe(422);
    expect(problemsOf(torn.body)[0]?.[0]).toMatch(/^baris \d+, kolom \d+$/);
    expect(await storedVersions()).toEqual([sms.version]);
  });

  it('refuses a version number already in use, naming the next free one', async () => {
    const yaml = (await get(`/admin/sop/siput-sms/${sms.version}.yaml`)).body;
    const res = await upload('siput-sms.yaml', Buffer.from(yaml));
    expect(res.statusCode).toBe(422);
    expect(problemsOf(res.body)).toEqual([
      [
        'version',
        `siput-sms sudah punya versi ${sms.version}. Beri nomor versi ${sms.version + 1} (atau lebih tinggi) pada versi yang baru.`,
      ],
    ]);
  });

  it('stores a good upload as a draft with its preview; activation moves new cases only, audited', async () => {
    const { caseId: before } = await app.cases.submit({ sopId: 'siput-sms', unitId: 'ortala', stakeholderId: 'p1' });
    const source = parseYaml((await get(`/admin/sop/siput-sms/${sms.version}/template.yaml`)).body);
    const next = sms.version + 1;
    expect(source.version).toBe(next);
    source.steps[7].waktu = '1 hari kerja';
    const res = await upload('siput-sms.yaml', Buffer.from(stringify(source)));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/admin/sop/siput-sms/${next}`);

    const preview = await get(`/admin/sop/siput-sms/${next}`);
    expect(preview.body).toContain('data-status="draft"');
    expect(preview.body).toContain('data-page="procedure"');
    expect(preview.body).toContain(`Aktifkan versi ${next}`);
    expect(await activeVersion()).toBe(sms.version);
    expect((await app.sops.active('siput-sms'))?.version).toBe(sms.version);

    // A second upload of the draft's number replaces the draft.
    source.steps[7].waktu = '2 hari kerja';
    expect((await upload('siput-sms.yaml', Buffer.from(stringify(source)))).statusCode).toBe(303);
    expect((await app.sops.get('siput-sms', next))?.steps[7]?.waktu.text).toBe('2 hari kerja');

    const activate = await web.inject({
      method: 'POST',
      url: `/admin/sop/siput-sms/${next}/activate`,
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrf },
    });
    expect(activate.statusCode).toBe(303);
    expect((await get(activate.headers.location as string)).body).toContain(`Versi ${next} dari siput-sms kini aktif`);
    expect(await activeVersion()).toBe(next);

    const { caseId: after } = await app.cases.submit({ sopId: 'siput-sms', unitId: 'ortala', stakeholderId: 'p1' });
    const versionOf = async (id: string) =>
      (await database.db.select({ v: cases.sopVersion }).from(cases).where(eq(cases.id, id)))[0]?.v;
    expect(await versionOf(before)).toBe(sms.version);
    expect(await versionOf(after)).toBe(next);

    const audited = await database.db
      .select({ actor: auditLog.actor, details: auditLog.details })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'sop.activate'), eq(auditLog.target, `siput-sms@${next}`)));
    expect(audited).toEqual([{ actor: 'admin:admin-sop', details: { previous: sms.version } }]);

    // Once activated a version is fixed: its number cannot be uploaded again.
    expect((await upload('siput-sms.yaml', Buffer.from(stringify(source)))).statusCode).toBe(422);
  });

  it('takes a new SOP from an edited sheet, as a draft no case takes until it is activated', async () => {
    const template = await get(`/admin/sop/siput-sms/${sms.version}/template.xlsx`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(template.rawPayload as unknown as ArrayBuffer);
    const identity = book.getWorksheet(SHEETS.identity);
    if (!identity) throw new Error('no Identitas sheet');
    const set = (key: string, value: string | number) =>
      identity.eachRow((row) => {
        if (row.getCell(1).text === key) row.getCell(2).value = value;
      });
    set('id', 'siput-sms-unit');
    set('version', 1);
    set('title', 'SIPUT SMS unit');
    set('ticketPrefix', 'SMSU');
    const res = await upload('siput-sms-unit.xlsx', Buffer.from(await book.xlsx.writeBuffer()));
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/sop/siput-sms-unit/1');
    const stored = await app.sops.get('siput-sms-unit', 1);
    expect(stored).toEqual({ ...sms, id: 'siput-sms-unit', version: 1, title: 'SIPUT SMS unit', ticketPrefix: 'SMSU' });
    expect(await app.sops.active('siput-sms-unit')).toBeUndefined();
    expect((await app.sops.all()).map((s) => s.id)).not.toContain('siput-sms-unit');
  });

  it('lets pimpinan read SOPs but not upload or activate', async () => {
    const pimpinan = await signIn(app, web, 'pimpinan-sop', 'pimpinan');
    expect((await get('/admin/sop', pimpinan)).body).not.toContain('action="/admin/sop/upload"');
    const yaml = (await get(`/admin/sop/siput-sms/${sms.version}.yaml`, pimpinan)).body;
    expect((await upload('x.yaml', Buffer.from(yaml), pimpinan)).statusCode).toBe(403);
    const activate = await web.inject({
      method: 'POST',
      url: `/admin/sop/siput-sms/${sms.version}/activate`,
      headers: { cookie: pimpinan.cookie },
      payload: { _csrf: pimpinan.csrf },
    });
    expect(activate.statusCode).toBe(403);
  });
});
