import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { buildWeb } from '../src/web/server.js';
import { testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';
import { type SeedCase, seedCases } from './support/seed-cases.js';

/** More than two of the export's 1,000-row batches. */
const COUNT = 2_345;

let database: Database;
let app: App;
let web: FastifyInstance;
let cookie: string;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig(), { workers: false });
  web = await buildWeb(app);
  await web.ready();
  const start = Date.UTC(2026, 0, 1, 2);
  const list: SeedCase[] = Array.from({ length: COUNT }, (_, i) => ({
    ticket: `SMS-2026-${String(i + 1).padStart(6, '0')}`,
    openedAt: new Date(start + i * 3_600_000),
    closedAt: i % 2 === 0 ? new Date(start + i * 3_600_000 + 86_400_000) : undefined,
    subject: i === 0 ? '=HYPERLINK("http://jahat.example","klik")' : i === 1 ? 'Koma, "kutip" dan\nbaris baru' : null,
    category: i % 3 === 0 ? 'saran' : 'keluhan',
  }));
  await seedCases(database.db, list);
  ({ cookie } = await signIn(app, web, 'pengunduh', 'pimpinan'));
});

afterAll(async () => {
  await web?.close();
  await app?.close();
  await database?.close();
});

/** A minimal CSV reader for the test: quoted fields with doubled quotes, commas and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('exporting the tracking table', () => {
  it('streams every matching case as CSV, in the table’s order, safe to open in a spreadsheet', async () => {
    const res = await web.inject({
      method: 'GET',
      url: '/admin/tracking/export.csv?sort=opened&dir=asc',
      headers: { cookie },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="pelacakan-\d{4}-\d{2}-\d{2}\.csv"/);
    expect(res.body.startsWith('\uFEFF')).toBe(true);
    const rows = parseCsv(res.body.slice(1));
    expect(rows[0]?.slice(0, 9)).toEqual([
      'No. Urut',
      'No. Tiket',
      'No. Dokumen',
      'Revisi',
      'Tgl. Revisi',
      'Uraian',
      'Kategori',
      'Status',
      'Tgl. Penyelesaian',
    ]);
    expect(rows).toHaveLength(COUNT + 1);
    expect(rows[1]?.[1]).toBe('SMS-2026-000001');
    expect(rows[1]?.[5]).toBe(`'=HYPERLINK("http://jahat.example","klik")`);
    expect(rows[2]?.[5]).toBe('Koma, "kutip" dan baris baru');
    expect(rows.at(-1)?.[0]).toBe(String(COUNT));
    expect(new Set(rows.slice(1).map((r) => r[1])).size).toBe(COUNT);
    expect(rows[1]?.[7]).toBe('Selesai (selesai)');
    expect(rows[2]?.[7]).toBe('Sedang diverifikasi dan dianalisis petugas');
  });

  it('applies the filters to the export', async () => {
    const res = await web.inject({
      method: 'GET',
      url: '/admin/tracking/export.csv?status=open&q=SMS-2026-000002',
      headers: { cookie },
    });
    const rows = parseCsv(res.body.slice(1));
    expect(rows.map((r) => r[1])).toEqual(['No. Tiket', 'SMS-2026-000002']);
  });

  it('streams the same rows as an XLSX workbook', async () => {
    const res = await web.inject({ method: 'GET', url: '/admin/tracking/export.xlsx?category=x', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Pelacakan');
    expect(sheet?.rowCount).toBe(COUNT + 1);
    expect(sheet?.getRow(1).getCell(2).value).toBe('No. Tiket');
    expect(sheet?.getRow(2).getCell(1).value).toBe(1);
    expect(sheet?.getRow(2).getCell(2).value).toBe(`SMS-2026-${String(COUNT).padStart(6, '0')}`);
    // The same columns as the CSV, each cell under its own header: the description gets the wide
    // column and the document number column holds no revision count.
    const csv = parseCsv(
      (
        await web.inject({ method: 'GET', url: '/admin/tracking/export.csv?category=x', headers: { cookie } })
      ).body.slice(1),
    );
    const headers = ((sheet?.getRow(1).values ?? []) as unknown[]).slice(1);
    expect(headers).toEqual(csv[0]);
    const uraian = headers.indexOf('Uraian') + 1;
    expect(sheet?.getColumn(uraian).width).toBe(60);
    expect(sheet?.getColumn(headers.indexOf('No. Dokumen') + 1).width).toBeLessThan(60);
    expect(String(sheet?.getRow(2).getCell(headers.indexOf('No. Dokumen') + 1).value ?? '')).toBe(
      csv.find((r) => r[1] === sheet?.getRow(2).getCell(2).value)?.[2],
    );
  });

  it('shows on the page the columns of the export, in the same order', async () => {
    const page = await web.inject({ method: 'GET', url: '/admin/tracking', headers: { cookie } });
    const csv = parseCsv(
      (await web.inject({ method: 'GET', url: '/admin/tracking/export.csv', headers: { cookie } })).body.slice(1),
    );
    const thead = /<thead>([\s\S]*?)<\/thead>/.exec(page.body)?.[1] ?? '';
    const onPage = [...thead.matchAll(/<th[^>]*>(?:<a[^>]*>)?([^<▲▼]+)/g)].map((m) => m[1]?.trim());
    expect(onPage.length).toBeGreaterThan(8);
    const exported = csv[0] ?? [];
    expect(onPage.every((h) => exported.includes(h ?? ''))).toBe(true);
    expect(onPage).toEqual(exported.filter((h) => onPage.includes(h)));
    const firstRow = /<tbody>\s*<tr[^>]*>([\s\S]*?)<\/tr>/.exec(page.body)?.[1] ?? '';
    expect([...firstRow.matchAll(/<td[ >]/g)]).toHaveLength(onPage.length);
  });
});
