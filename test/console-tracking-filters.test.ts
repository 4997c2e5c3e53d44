import type { FastifyInstance } from 'fastify';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { units } from '../src/db/schema.js';
import { parseFilters, trackingPage, trackingRows } from '../src/web/admin/tracking-query.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';
import { type SeedCase, seedCases } from './support/seed-cases.js';

const ZONE = 'Asia/Jakarta';
const wib = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toJSDate();

let database: Database;
let app: App;
let web: FastifyInstance;
let cookie: string;
let holder: string;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false });
  web = await buildWeb(app);
  await web.ready();
  await database.db.insert(units).values({ id: 'humas', name: 'Bagian Humas' });
  holder = await addOfficial(database.db, {
    nip: '1',
    name: 'Pak Pemegang',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
  const list: SeedCase[] = [];
  // 30 open SIPUT SMS cases in Ortala, filed on 1–30 March; the first ten are overdue.
  for (let day = 1; day <= 30; day++) {
    list.push({
      ticket: `SMS-2026-${String(day).padStart(6, '0')}`,
      openedAt: wib(`2026-03-${String(day).padStart(2, '0')}T09:00`),
      assigneeId: holder,
      dueAt: day <= 10 ? wib(`2026-03-${String(day + 3).padStart(2, '0')}T09:00`) : wib('2030-01-01T09:00'),
      subject: day === 7 ? 'Tarif parkir 50% lebih mahal' : day === 8 ? 'Tarif parkir 150 ribu' : null,
      returns: day === 12 ? 2 : 0,
    });
  }
  // 10 closed Pemantauan Dumas cases in Humas, filed on 1–10 April.
  for (let day = 1; day <= 10; day++) {
    list.push({
      ticket: `DUMAS-2026-${String(day).padStart(6, '0')}`,
      sopId: 'pemantauan-dumas',
      unitId: 'humas',
      stepId: '1',
      category: 'saran',
      openedAt: wib(`2026-04-${String(day).padStart(2, '0')}T09:00`),
      closedAt: wib(`2026-04-${String(day + 10).padStart(2, '0')}T09:00`),
    });
  }
  await seedCases(database.db, list);
  ({ cookie } = await signIn(app, web, 'penyaring', 'pimpinan'));
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** The tickets of the table, in the order shown, and the count line. */
async function table(query: string): Promise<{ tickets: string[]; body: string; total: number }> {
  const res = await web.inject({ method: 'GET', url: `/admin/tracking${query}`, headers: { cookie } });
  expect(res.statusCode, query).toBe(200);
  const tickets = [...res.body.matchAll(/<td[^>]*><a href="\/admin\/cases\/([^"]+)">/g)].map((m) => m[1] as string);
  const total = Number(/<strong>([\d.,]+) tiket<\/strong>/.exec(res.body)?.[1]?.replace(/[.,]/g, ''));
  return { tickets, body: res.body, total };
}

describe('the tracking table’s filters', () => {
  it('narrow by SOP, status, current step, unit, holder, overdue and filing dates', async () => {
    expect((await table('')).total).toBe(40);
    expect((await table('?sop=pemantauan-dumas')).total).toBe(10);
    expect((await table('?status=closed')).total).toBe(10);
    expect((await table('?status=open')).total).toBe(30);
    expect((await table('?status=step:siput-sms:4')).total).toBe(30);
    expect((await table('?status=step:siput-sms:5a')).total).toBe(0);
    expect((await table('?unit=humas')).total).toBe(10);
    expect((await table(`?owner=${holder}`)).total).toBe(30);
    const overdue = await table('?overdue=1');
    expect(overdue.total).toBe(10);
    expect(overdue.body.match(/⚠ Terlambat/g)).toHaveLength(10);
    expect((await table('?from=2026-03-05&to=2026-03-10')).total).toBe(6);
    expect((await table('?from=2026-03-25&unit=ortala&overdue=1')).total).toBe(0);
    expect((await table('?sop=siput-sms&overdue=1&from=2026-03-03')).total).toBe(8);
  });

  it('search a ticket number exactly, and words literally', async () => {
    expect((await table('?q=sms-2026-000012')).tickets).toEqual(['SMS-2026-000012']);
    expect((await table('?q=parkir')).total).toBe(2);
    expect((await table(`?q=${encodeURIComponent('50%')}`)).tickets).toEqual(['SMS-2026-000007']);
    expect((await table('?q=tidak-ada-apa-apa')).body).toContain('Tidak ada tiket yang cocok');
  });

  it('sort by filing, due time, completion and ticket, both ways', async () => {
    expect((await table('?size=25')).tickets[0]).toBe('DUMAS-2026-000010');
    expect((await table('?sort=opened&dir=asc')).tickets[0]).toBe('SMS-2026-000001');
    const due = (await table('?sort=due&dir=asc&status=open')).tickets;
    expect(due.slice(0, 3)).toEqual(['SMS-2026-000001', 'SMS-2026-000002', 'SMS-2026-000003']);
    const closed = (await table('?sort=closed&dir=desc')).tickets;
    expect(closed.slice(0, 2)).toEqual(['DUMAS-2026-000010', 'DUMAS-2026-000009']);
    expect(closed.at(-1)?.startsWith('SMS-')).toBe(true);
    const byTicket = (await table('?sort=ticket&dir=asc')).tickets;
    expect(byTicket).toEqual([...byTicket].sort());
  });

  it('page on the server, with the revision count of each case', async () => {
    const first = await table('?size=25&sort=opened&dir=asc');
    const second = await table('?size=25&sort=opened&dir=asc&page=2');
    expect(first.tickets).toHaveLength(25);
    expect(second.tickets).toHaveLength(15);
    expect(new Set([...first.tickets, ...second.tickets]).size).toBe(40);
    expect(first.body).toContain('Halaman 1 dari 2');
    expect(first.body).toContain('href="/admin/tracking?dir=asc&amp;page=2&amp;size=25">Berikutnya');
    expect(second.body).toContain('<td>26</td>');
    const beyond = await table('?size=25&page=99');
    expect(beyond.body).toContain('Halaman 2 dari 2');
    const row12 = first.body.split('<tr').find((r) => r.includes('>SMS-2026-000012<'));
    expect(row12?.match(/<td>(\d+)<\/td>/g)?.[1]).toBe('<td>2</td>');
  });

  it('ignore values that do not parse instead of failing', async () => {
    const res = await table('?page=abc&size=7&sort=evil&dir=sideways&overdue=maybe&from=kemarin');
    expect(res.total).toBe(40);
    expect(res.tickets).toHaveLength(40);
  });

  it('give the export the same rows in the same order, batch after batch', async () => {
    for (const query of [
      {},
      { sort: 'due', dir: 'asc' },
      { sort: 'closed', dir: 'desc' },
      { sort: 'ticket', dir: 'asc' },
      { status: 'open', sort: 'opened', dir: 'asc' },
    ]) {
      const f = parseFilters({ ...query, size: '100' });
      const now = new Date();
      const page = await trackingPage(database.db, f, now, ZONE);
      const streamed: string[] = [];
      for await (const row of trackingRows(database.db, f, now, ZONE, 7)) streamed.push(row.ticket);
      expect(streamed, JSON.stringify(query)).toEqual(page.rows.map((r) => r.ticket));
    }
  });
});
