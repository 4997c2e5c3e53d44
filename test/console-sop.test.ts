import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { xlsxToSop } from '../src/sop-document/index.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let app: App;
let web: FastifyInstance;
let cookie: string;
let shipped: number;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig());
  web = await buildWeb(app);
  cookie = (await signIn(app, web, 'pimpinan-sop', 'pimpinan')).cookie;
  const sms = await app.sops.active('siput-sms');
  if (!sms) throw new Error('siput-sms is not registered');
  shipped = sms.version;
  // A newer version whose step 8 takes a whole day instead of four hours.
  const steps = sms.steps.map((s) =>
    s.id === '8' ? { ...s, waktu: { amount: 1, unit: 'workday' as const, text: '1 hari kerja' } } : s,
  );
  await app.sops.register([{ ...sms, version: shipped + 1, steps }]);
}, 60_000);

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

const get = (url: string) => web.inject({ method: 'GET', url, headers: { cookie } });

describe('the console SOP section', () => {
  it('lists every SOP with its versions, the active one and the cases running on each', async () => {
    const res = await get('/admin/sop');
    expect(res.statusCode).toBe(200);
    for (const id of ['siput-sms', 'pedoman-juklak', 'sisprosedur', 'pemantauan-dumas', 'fasilitasi-sop'])
      expect(res.body).toContain(`data-sop="${id}"`);
    const row = /data-sop="siput-sms">([\s\S]*?)<\/tr>/.exec(res.body)?.[1] ?? '';
    const versions = [...row.matchAll(/data-version="(\d+)"/g)].map((m) => Number(m[1]));
    expect(versions).toEqual([shipped + 1, shipped]);
    expect(row).toMatch(new RegExp(`Versi ${shipped + 1}</a> <strong class="active">\\(aktif\\)</strong>`));
    expect(row).toContain('0 kasus berjalan');
  });

  it('shows a version as its document: the identity page and the procedure table as SVG', async () => {
    const res = await get(`/admin/sop/siput-sms/${shipped}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-page="identity"');
    expect(res.body.match(/data-page="procedure"/g)?.length).toBeGreaterThan(0);
    expect(res.body).toContain('class="lane" data-role="staf-pelaksana"');
    expect((await get('/admin/sop/siput-sms/999')).statusCode).toBe(404);
  });

  it('downloads the PDF and a sheet that reads back as the same version', async () => {
    const pdf = await get(`/admin/sop/siput-sms/${shipped}.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const xlsx = await get(`/admin/sop/siput-sms/${shipped}.xlsx`);
    expect(xlsx.statusCode).toBe(200);
    const read = await xlsxToSop(xlsx.rawPayload);
    expect(read.ok && read.sop).toEqual(await app.sops.get('siput-sms', shipped));
  });

  it('shows what changed between two versions', async () => {
    const res = await get(`/admin/sop/siput-sms/diff?from=${shipped + 1}&to=${shipped}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`versi ${shipped} dibandingkan dengan versi ${shipped + 1}`);
    const changes = [...res.body.matchAll(/<span class="(added|removed)">([^<]*)<\/span>/g)].map((m) => [m[1], m[2]]);
    expect(changes).toEqual(
      expect.arrayContaining([
        ['removed', `− version: ${shipped}`],
        ['added', `+ version: ${shipped + 1}`],
        ['removed', '−     waktu: 4 jam'],
        ['added', '+     waktu: 1 hari kerja'],
      ]),
    );
    expect(changes).toHaveLength(4);
  });

  it('is closed to officials signed in from a chat and to visitors', async () => {
    const res = await web.inject({ method: 'GET', url: '/admin/sop' });
    expect(res.statusCode).not.toBe(200);
  });
});
