import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { units } from '../src/db/schema.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig();
let database: Database;
let app: App;
let web: FastifyInstance;
let admin: { cookie: string; csrf: string };

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, config);
  web = await buildWeb(app);
  admin = await signIn(app, web, 'admin-people-warnings');
  await addOfficial(database.db, {
    nip: '198001012005011201',
    name: 'Staf',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** The roles table's row of one role. */
async function roleRow(roleId: string): Promise<string> {
  const res = await web.inject({ method: 'GET', url: '/admin/people', headers: { cookie: admin.cookie } });
  return res.body.split('<tr>').find((r) => r.startsWith(`<td>${roleId}</td>`)) ?? '';
}

describe('the people page’s warning about roles nobody holds', () => {
  it('names only roles of the SOPs the unit runs, in the units that run them', async () => {
    expect(await roleRow('kasubag-tl')).toContain('Belum ada pejabat aktif di Bagian Organisasi dan Tata Laksana');
    expect(await roleRow('staf-pelaksana')).not.toContain('Belum ada pejabat aktif');
    // A Menteri of an SOP the unit does not run is no gap.
    expect(await roleRow('menteri-sesneg')).toContain('<td>menteri-sesneg</td>');
    expect(await roleRow('menteri-sesneg')).not.toContain('Belum ada pejabat aktif');

    await database.db
      .update(units)
      .set({ offeredSops: ['siput-sms', 'sisprosedur'] })
      .where(eq(units.id, 'ortala'));
    expect(await roleRow('menteri-sesneg')).toContain('Belum ada pejabat aktif di Bagian Organisasi dan Tata Laksana');
  });

  it('is set on the unit’s page, each id checked against the SOPs registered', async () => {
    const form = (sops: string) => ({
      _csrf: admin.csrf,
      name: 'Bagian Organisasi dan Tata Laksana',
      zone: 'Asia/Jakarta',
      ...Object.fromEntries([1, 2, 3, 4, 5].map((d) => [`day${d}`, '08:00-16:00'])),
      sops,
    });
    const saved = await web.inject({
      method: 'POST',
      url: '/admin/people/units/ortala',
      payload: form('fasilitasi-sop, siput-sms'),
      headers: { cookie: admin.cookie },
    });
    expect(saved.statusCode).toBe(303);
    const [unit] = await database.db.select().from(units).where(eq(units.id, 'ortala'));
    expect(unit?.offeredSops).toEqual(['fasilitasi-sop', 'siput-sms']);
    const refused = await web.inject({
      method: 'POST',
      url: '/admin/people/units/ortala',
      payload: form('siput-sms, tidak-ada'),
      headers: { cookie: admin.cookie },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Tidak ada SOP &quot;tidak-ada&quot;');
    const [kept] = await database.db.select().from(units).where(eq(units.id, 'ortala'));
    expect(kept?.offeredSops).toEqual(['fasilitasi-sop', 'siput-sms']);
  });
});
