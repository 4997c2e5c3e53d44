import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { auditLog, cases, delegations, officials, stepInstances, units } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

/** Monday 2 February 2026, 15:00 WIB: a working afternoon with no holiday that week. */
const NOW = new Date('2026-02-02T08:00:00Z');
const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
let session: { cookie: string; csrf: string };

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config, { now: () => NOW });
  web = await buildWeb(app);
  await web.ready();
  session = await signIn(app, web, 'kepegawaian');
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const post = (url: string, form: Record<string, string>) =>
  web.inject({
    method: 'POST',
    url,
    headers: { cookie: session.cookie },
    payload: { _csrf: session.csrf, ...form },
  });
const get = (url: string) => web.inject({ method: 'GET', url, headers: { cookie: session.cookie } });

const WEEKDAYS_8_TO_4 = {
  day1: '08:00-16:00',
  day2: '08:00-16:00',
  day3: '08:00-16:00',
  day4: '08:00-16:00',
  day5: '08:00-16:00',
};

async function addOfficial(nip: string, name: string, roleId: string, extra: Record<string, string> = {}) {
  const res = await post('/admin/people/officials', { nip, name, roleId, unitId: 'ortala', active: 'on', ...extra });
  expect(res.statusCode, res.body).toBe(303);
  const [row] = await database.db.select().from(officials).where(eq(officials.nip, nip));
  if (!row) throw new Error('official not stored');
  return row;
}

describe('units', () => {
  it('are added with their zone and hours, shown on the people page, and audited', async () => {
    const res = await post('/admin/people/units', {
      id: 'biro-umum',
      name: 'Biro Umum',
      zone: 'Asia/Makassar',
      ...WEEKDAYS_8_TO_4,
      day5: '07:30-11:30, 13:30-16:30',
    });
    expect(res.statusCode).toBe(303);
    const [unit] = await database.db.select().from(units).where(eq(units.id, 'biro-umum'));
    expect(unit?.timeZone).toBe('Asia/Makassar');
    expect(unit?.workingHours?.[5]).toEqual([
      { start: '07:30', end: '11:30' },
      { start: '13:30', end: '16:30' },
    ]);
    expect(unit?.workingHours?.[6]).toBeUndefined();
    const page = await get('/admin/people');
    expect(page.body).toContain('Biro Umum');
    expect(page.body).toContain('WITA');
    const [logged] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'unit.create'));
    expect(logged?.target).toBe('biro-umum');
  });

  it('refuses hours that are not hours, and a code with a slash in it', async () => {
    const bad = await post('/admin/people/units', {
      id: 'biro-x',
      name: 'X',
      zone: 'Asia/Jakarta',
      day1: '16:00-08:00',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Jam kerja Senin tidak sah');
    const slash = await post('/admin/people/units', { id: '../x', name: 'X', zone: 'Asia/Jakarta' });
    expect(slash.statusCode).toBe(400);
  });

  it('move the due time of the next case once their hours change: the cached calendar is dropped', async () => {
    await post('/admin/people/units', { id: 'biro-uji', name: 'Biro Uji', zone: 'Asia/Jakarta', ...WEEKDAYS_8_TO_4 });
    const dueOfNewCase = async () => {
      const { caseId } = await app.cases.submit({ sopId: 'siput-sms', unitId: 'biro-uji', category: 'saran' });
      const [row] = await database.db.select().from(cases).where(eq(cases.id, caseId));
      const [step] = await database.db
        .select()
        .from(stepInstances)
        .where(eq(stepInstances.id, row?.openInstanceId ?? ''));
      return step?.dueAt;
    };
    const before = await dueOfNewCase();
    expect(before).toBeInstanceOf(Date);

    const res = await post('/admin/people/units/biro-uji', {
      name: 'Biro Uji',
      zone: 'Asia/Jayapura',
      day1: '07:00-11:00',
      day2: '07:00-11:00',
      day3: '07:00-11:00',
      day4: '07:00-11:00',
      day5: '07:00-11:00',
    });
    expect(res.statusCode).toBe(303);
    const after = await dueOfNewCase();
    expect(after?.getTime()).not.toBe(before?.getTime());
    // Monday 17:00 WIT is after hours: Tuesday, Wednesday and Thursday are the three working days,
    // and their end is the next working moment, Friday 07:00 WIT.
    expect(after?.toISOString()).toBe('2026-02-05T22:00:00.000Z');
    const [logged] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'unit.update'));
    expect(logged?.details).toMatchObject({
      before: { timeZone: 'Asia/Jakarta' },
      after: { timeZone: 'Asia/Jayapura' },
    });
  });
});

describe('officials', () => {
  it('are added with NIP, role from the SOPs, unit and superior, and edited', async () => {
    const head = await addOfficial('197001012000011001', 'Ibu Kasubag', 'kasubag-tl');
    const staff = await addOfficial('199001012020011001', 'Pak Staf', 'staf-pelaksana', { superiorId: head.id });
    expect(staff).toMatchObject({ roleId: 'staf-pelaksana', unitId: 'ortala', superiorId: head.id, active: true });

    const page = await get('/admin/people');
    expect(page.body).toContain('Pak Staf');
    expect(page.body).toContain('Kasubag');

    const edit = await post(`/admin/people/officials/${staff.id}`, {
      nip: staff.nip,
      name: 'Pak Staf Senior',
      roleId: 'staf-pelaksana',
      unitId: 'ortala',
      superiorId: head.id,
      language: 'en',
    });
    expect(edit.statusCode).toBe(303);
    const [edited] = await database.db.select().from(officials).where(eq(officials.id, staff.id));
    expect(edited).toMatchObject({ name: 'Pak Staf Senior', language: 'en', active: false });
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.target, staff.id));
    expect(audits.map((a) => a.action)).toEqual(['official.create', 'official.update']);
  });

  it("get the admins' alerts when the box is ticked, and stop when it is cleared", async () => {
    const admin = await addOfficial('196501012000011007', 'Ibu Admin', 'kabag-ortala', { receivesAlerts: 'on' });
    expect(admin.receivesAlerts).toBe(true);
    const form = await get(`/admin/people/officials/${admin.id}`);
    expect(form.body).toMatch(/name="receivesAlerts"[^>]* checked/);
    const list = await get('/admin/people');
    expect(list.body).toMatch(/Ibu Admin<\/a>(?:(?!<\/tr>)[\s\S])*<td>Ya<\/td>/);

    const cleared = await post(`/admin/people/officials/${admin.id}`, {
      nip: admin.nip,
      name: admin.name,
      roleId: admin.roleId,
      unitId: 'ortala',
      active: 'on',
    });
    expect(cleared.statusCode).toBe(303);
    const [after] = await database.db.select().from(officials).where(eq(officials.id, admin.id));
    expect(after?.receivesAlerts).toBe(false);
    const [update] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.target, admin.id), eq(auditLog.action, 'official.update')));
    expect(update?.details).toMatchObject({ before: { receivesAlerts: true }, after: { receivesAlerts: false } });
  });

  it('refuses a taken NIP, a role no SOP defines, and a superior chain that loops', async () => {
    const a = await addOfficial('197501012000011002', 'Pejabat A', 'kabag-ortala');
    const b = await addOfficial('198001012005011003', 'Pejabat B', 'kasubag-tl', { superiorId: a.id });
    const taken = await post('/admin/people/officials', {
      nip: a.nip,
      name: 'Lain',
      roleId: 'kabag-ortala',
      unitId: 'ortala',
    });
    expect(taken.statusCode).toBe(400);
    expect(taken.body).toContain('sudah terdaftar');
    const role = await post('/admin/people/officials', {
      nip: '198501012010011009',
      name: 'Lain',
      roleId: 'raja',
      unitId: 'ortala',
    });
    expect(role.statusCode).toBe(400);
    const loop = await post(`/admin/people/officials/${a.id}`, {
      nip: a.nip,
      name: a.name,
      roleId: a.roleId,
      unitId: 'ortala',
      superiorId: b.id,
      active: 'on',
    });
    expect(loop.statusCode).toBe(400);
    expect(loop.body).toContain('berputar');
  });
});

describe('delegates (Plh/Plt)', () => {
  it('are set for a period, shown, ended early, and audited', async () => {
    const boss = await addOfficial('196801012000011004', 'Kabag Cuti', 'kabag-ortala');
    const plh = await addOfficial('197201012000011005', 'Kabag Plh', 'kabag-ortala');
    const set = await post(`/admin/people/officials/${boss.id}/delegations`, {
      delegateId: plh.id,
      startsAt: '2026-02-02T08:00',
      endsAt: '2099-02-13T16:00',
    });
    expect(set.statusCode).toBe(303);
    const [row] = await database.db.select().from(delegations).where(eq(delegations.officialId, boss.id));
    expect(row).toMatchObject({ delegateId: plh.id });
    // Read in the unit's zone (WIB): 08:00 WIB is 01:00 UTC.
    expect(row?.startsAt.toISOString()).toBe('2026-02-02T01:00:00.000Z');
    expect((await get('/admin/people')).body).toContain('Kabag Plh');

    const self = await post(`/admin/people/officials/${boss.id}/delegations`, {
      delegateId: boss.id,
      startsAt: '2026-02-02T08:00',
      endsAt: '2099-02-13T16:00',
    });
    expect(self.statusCode).toBe(400);

    const end = await post(`/admin/people/delegations/${row?.id}/end`, {});
    expect(end.statusCode).toBe(303);
    const [ended] = await database.db
      .select()
      .from(delegations)
      .where(eq(delegations.id, row?.id ?? 0));
    expect(ended?.endsAt.getTime()).toBeLessThanOrEqual(Date.now());
    const actions = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.target, boss.id)));
    expect(actions.map((a) => a.action)).toEqual(['official.create', 'delegation.create', 'delegation.end']);
  });
});
