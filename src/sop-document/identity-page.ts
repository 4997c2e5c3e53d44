import type { SopDefinition } from '../sop/index.js';
import { wrapText } from './metrics.js';
import { type DocumentPage, LINE_HEIGHT, PAGE_HEIGHT, PAGE_WIDTH, type Shape } from './shapes.js';

const MARGIN = 24;
const TEXT = 8;
const PAD = 4;
const INK = '#000';
const MONTHS = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];

/** "2017-11-24" → "24 November 2017", as the SOP AP form writes its dates. */
export function formatDocumentDate(iso: string | undefined): string {
  if (!iso) return '-';
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1] ?? ''} ${y}`;
}

/**
 * The identity page of the SOP AP form: the issuing office beside the table of nomor, dates,
 * signatory and title, then the six numbered lists two by two. Anything the SOP leaves out shows "-".
 */
export function identityPage(sop: SopDefinition, pages: number): DocumentPage {
  const out: Shape[] = [];
  const width = PAGE_WIDTH - 2 * MARGIN;
  const left = width * 0.42;
  const labelW = 110;
  const valueW = width - left - labelW;
  const signer = sop.disahkanOleh;
  const table: [string, string, string][] = [
    ['nomor', 'Nomor SOP', sop.nomor ?? '-'],
    ['tanggal-pembuatan', 'Tanggal Pembuatan', formatDocumentDate(sop.tanggalPembuatan)],
    ['tanggal-revisi', 'Tanggal Revisi', formatDocumentDate(sop.tanggalRevisi)],
    ['tanggal-efektif', 'Tanggal Efektif', formatDocumentDate(sop.tanggalEfektif)],
    [
      'disahkan-oleh',
      'Disahkan oleh',
      signer ? [signer.jabatan, signer.nama, signer.nip ? `NIP. ${signer.nip}` : ''].filter(Boolean).join('\n') : '-',
    ],
    ['judul', 'Judul SOP', sop.title],
  ];
  let y = MARGIN;
  const top = y;
  for (const [field, label, value] of table) {
    const lines = wrapText(value, valueW - 2 * PAD, TEXT, field === 'judul');
    const h = Math.max(lines.length, 1) * TEXT * LINE_HEIGHT + 2 * PAD;
    out.push({ kind: 'box', x: MARGIN + left, y, w: labelW, h, stroke: INK, fill: '#f2f2f2' });
    out.push({ kind: 'label', x: MARGIN + left + PAD, y: y + PAD, lines: [label], size: TEXT, bold: true });
    out.push({ kind: 'box', x: MARGIN + left + labelW, y, w: valueW, h, stroke: INK });
    out.push({
      kind: 'label',
      x: MARGIN + left + labelW + PAD,
      y: y + PAD,
      lines,
      size: TEXT,
      bold: field === 'judul',
      role: 'identity',
      data: { field },
    });
    y += h;
  }
  out.push({ kind: 'box', x: MARGIN, y: top, w: left, h: y - top, stroke: INK });
  const office = wrapText((sop.instansi ?? '').toUpperCase(), left - 4 * PAD, 10, true);
  const officeTop = top + (y - top - office.length * 10 * LINE_HEIGHT - 30) / 2;
  out.push({ kind: 'label', x: MARGIN + left / 2, y: officeTop, lines: office, size: 10, bold: true, align: 'middle' });
  out.push({
    kind: 'label',
    x: MARGIN + left / 2,
    y: officeTop + office.length * 10 * LINE_HEIGHT + 12,
    lines: ['STANDAR OPERASIONAL PROSEDUR (SOP)'],
    size: 9,
    bold: true,
    align: 'middle',
  });

  const lists: [string, string, readonly string[] | undefined][] = [
    ['dasar-hukum', 'Dasar Hukum', sop.dasarHukum],
    ['kualifikasi-pelaksana', 'Kualifikasi Pelaksana', sop.kualifikasiPelaksana],
    ['keterkaitan', 'Keterkaitan', sop.keterkaitan],
    ['peralatan', 'Peralatan/Perlengkapan', sop.peralatan],
    ['peringatan', 'Peringatan', sop.peringatan],
    ['pencatatan', 'Pencatatan dan Pendataan', sop.pencatatan],
  ];
  const half = width / 2;
  y += 10;
  for (let i = 0; i < lists.length; i += 2) {
    const pair = [lists[i], lists[i + 1]].map((entry) => {
      const [field, title, items] = entry ?? ['', '', undefined];
      const lines = (items ?? ['-']).flatMap((item, k) =>
        wrapText(items ? `${k + 1}. ${item}` : item, half - 2 * PAD - 8, TEXT),
      );
      return { field, title, lines };
    });
    const h = Math.max(...pair.map((p) => p.lines.length)) * TEXT * LINE_HEIGHT + 14 + 3 * PAD;
    pair.forEach((p, k) => {
      const x = MARGIN + k * half;
      out.push({ kind: 'box', x, y, w: half, h, stroke: INK });
      out.push({ kind: 'label', x: x + PAD, y: y + PAD, lines: [p.title.toUpperCase()], size: TEXT, bold: true });
      out.push({
        kind: 'label',
        x: x + PAD + 4,
        y: y + PAD + 14,
        lines: p.lines,
        size: TEXT,
        role: 'identity',
        data: { field: p.field },
      });
    });
    y += h;
  }
  const page = `Halaman 1 dari ${pages} · ${sop.id} versi ${sop.version}`;
  out.push({ kind: 'label', x: MARGIN, y: PAGE_HEIGHT - MARGIN - 8, lines: [page], size: 6.5 });
  return { width: PAGE_WIDTH, height: PAGE_HEIGHT, kind: 'identity', shapes: out };
}
