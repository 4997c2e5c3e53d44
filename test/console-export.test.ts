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
    expect(rows[0]?.slice(0, 8)).toEqual([
      'No. Urut',
      'No. Tiket/Dokumen',
      'Revisi',
      'Tgl. Revisi',
      'Uraian',
      'Kategori',
      'Status',
      'Tgl. Penyelesaian',
    ]);
    expect(rows).toHaveLength(COUNT + 1);
    expect(rows[1]?.[1]).toBe('SMS-2026-000001');
    expect(rows[1]?.[4]).toBe(`'=HYPERLINK("http://jahat.example","klik")`);
    expect(rows[2]?.[4]).toBe('Koma, "kutip" dan baris baru');
    expect(rows.at(-1)?.[0]).toBe(String(COUNT));
    expect(new Set(rows.slice(1).map((r) => r[1])).size).toBe(COUNT);
    expect(rows[1]?.[6]).toBe('Selesai (selesai)');
    expect(rows[2]?.[6]).toBe('Sedang diverifikasi dan dianalisis petugas');
  });

  it('applies the filters to the export', async () => {
    const res = await web.inject({
      method: 'GET',
      url: '/admin/tracking/export.csv?status=open&q=SMS-2026-000002',
      headers: { cookie },
    });
    const rows = parseCsv(res.body.slice(1));
    expect(rows.map((r) => r[1])).toEqual(['No. Tiket/Dokumen', 'SMS-2026-000002']);
  });

  it('streams the same rows as an XLSX workbook', async () => {
    const res = await web.inject({ method: 'GET', url: '/admin/tracking/export.xlsx?category=x', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Pelacakan');
    expect(sheet?.rowCount).toBe(COUNT + 1);
    expect(sheet?.getRow(1).getCell(2).value).toBe('No. Tiket/Dokumen');
    expect(sheet?.getRow(2).getCell(1).value).toBe(1);
    expect(sheet?.getRow(2).getCell(2).value).toBe(`SMS-2026-${String(COUNT).padStart(6, '0')}`);
  });
});
