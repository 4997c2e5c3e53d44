import type { SopDefinition, SopRole, SopStep } from '../sop/index.js';
import { type Flow, flowOf, type StepSymbol } from './flow.js';
import { textWidth, wrapText } from './metrics.js';
import { type DocumentPage, LINE_HEIGHT, PAGE_HEIGHT, PAGE_WIDTH, type Shape, type ShapeData } from './shapes.js';

const MARGIN = 24;
const TEXT = 7;
const SMALL = 5.5;
const PAD = 3;
const BAND = 18;
const FOOTER = 22;
const INK = '#000';

/** The fixed columns around the lanes, in points; the lanes share what is left. */
const FIXED = { no: 20, kegiatan: 170, kelengkapan: 95, waktu: 50, output: 95, keterangan: 80 };

interface Columns {
  readonly no: number;
  readonly kegiatan: number;
  readonly lanes: number;
  readonly laneWidth: number;
  readonly kelengkapan: number;
  readonly waktu: number;
  readonly output: number;
  readonly keterangan: number;
  readonly right: number;
}

function columnsFor(roleCount: number): Columns {
  const width = PAGE_WIDTH - 2 * MARGIN;
  const fixed = Object.values(FIXED).reduce((a, b) => a + b, 0);
  const laneWidth = (width - fixed) / Math.max(roleCount, 1);
  let x = MARGIN;
  const at = (w: number) => {
    const start = x;
    x += w;
    return start;
  };
  const no = at(FIXED.no);
  const kegiatan = at(FIXED.kegiatan);
  const lanes = at(laneWidth * roleCount);
  return {
    no,
    kegiatan,
    lanes,
    laneWidth,
    kelengkapan: at(FIXED.kelengkapan),
    waktu: at(FIXED.waktu),
    output: at(FIXED.output),
    keterangan: at(FIXED.keterangan),
    right: x,
  };
}

/** A lane's header: the abbreviation in the role's name ("… (Kasubag TL)") or the name itself. */
function laneName(role: SopRole): string {
  return /\(([^()]+)\)\s*$/.exec(role.name)?.[1] ?? role.name;
}

interface Row {
  readonly symbol: StepSymbol;
  readonly cells: readonly { x: number; w: number; lines: string[]; align?: 'middle' }[];
  readonly height: number;
}

function rowOf(symbol: StepSymbol, c: Columns): Row {
  const s = symbol.step;
  const waktu = `${s.waktu.text}${s.waktuDefault ? ' *' : ''}${s.effort ? `\n(upaya ${s.effort.text})` : ''}`;
  const cell = (x: number, w: number, text: string, align?: 'middle') => ({
    x,
    w,
    lines: wrapText(text, w - 2 * PAD, TEXT),
    ...(align ? { align } : {}),
  });
  const cells = [
    cell(c.no, FIXED.no, s.id, 'middle'),
    cell(c.kegiatan, FIXED.kegiatan, s.kegiatan),
    cell(c.kelengkapan, FIXED.kelengkapan, s.kelengkapan.join('\n')),
    cell(c.waktu, FIXED.waktu, waktu, 'middle'),
    cell(c.output, FIXED.output, s.output.join('\n')),
    cell(c.keterangan, FIXED.keterangan, keteranganOf(s)),
  ];
  const text = Math.max(...cells.map((x) => x.lines.length)) * TEXT * LINE_HEIGHT + 2 * PAD;
  const symbolRoom = symbol.endsBranch ? 72 : symbol.kind === 'decision' ? 46 : 40;
  return { symbol, cells, height: Math.max(text, symbolRoom) };
}

/** The source's remark, and for steps no case runs through, why they stand in the table. */
function keteranganOf(s: SopStep): string {
  const scope =
    s.scope === 'publication'
      ? '(Sekali untuk unit, bukan per kasus)'
      : s.scope === 'intake'
        ? '(Dilakukan pelapor saat mengajukan)'
        : '';
  return [s.keterangan ?? '', scope].filter(Boolean).join('\n');
}

/** Where a symbol (or an off-page connector) sits, for routing the arrows. */
interface Node {
  readonly page: number;
  readonly row: number;
  readonly lane: number;
  readonly cx: number;
  readonly cy: number;
  readonly hw: number;
  readonly hh: number;
}

type Side = 'top' | 'bottom' | 'left' | 'right';

/**
 * The procedure table of the SOP AP form, paged on A4 landscape: No, Kegiatan, one lane per
 * Pelaksana with the flowchart, Mutu Baku (Kelengkapan, Waktu, Output) and Keterangan. An arrow
 * that crosses a page break ends in an off-page connector and starts again from its twin.
 */
export function procedurePages(sop: SopDefinition, firstPageNo: number, totalPages: number): DocumentPage[] {
  const flow: Flow = flowOf(sop);
  const c = columnsFor(sop.roles.length);
  const titleLines = wrapText(`${sop.nomor ? `${sop.nomor} · ` : ''}${sop.title}`, c.right - MARGIN, 9, true);
  const tableTop = MARGIN + titleLines.length * 9 * LINE_HEIGHT + 6;
  const laneLines = sop.roles.map((r) => wrapText(laneName(r), c.laneWidth - 2 * PAD, 6, true));
  const headTop = 14;
  const headSub = Math.max(14, Math.max(...laneLines.map((l) => l.length)) * 6 * LINE_HEIGHT + 2 * PAD);
  const rowsTop = tableTop + headTop + headSub + BAND;
  const rowsBottom = PAGE_HEIGHT - MARGIN - FOOTER - BAND;

  // Rows onto pages, as many as fit; a row never splits.
  const rows = flow.symbols.map((s) => rowOf(s, c));
  const pages: { row: Row; y: number }[][] = [[]];
  let y = rowsTop;
  for (const row of rows) {
    const current = pages[pages.length - 1] ?? [];
    if (y + row.height > rowsBottom && current.length > 0) {
      pages.push([]);
      y = rowsTop;
    }
    pages[pages.length - 1]?.push({ row, y });
    y += row.height;
  }

  const laneIndex = new Map(sop.roles.map((r, i) => [r.id, i]));
  const laneX = (lane: number) => c.lanes + lane * c.laneWidth;
  const nodes = new Map<string, Node>();
  pages.forEach((placed, page) => {
    placed.forEach(({ row, y: top }, i) => {
      const lane = laneIndex.get(row.symbol.step.actor) ?? 0;
      const decision = row.symbol.kind === 'decision';
      const hw = Math.min(c.laneWidth - 10, decision ? 36 : 38) / 2;
      const hh = decision ? 13 : 9;
      const cy = row.symbol.endsBranch ? top + 4 + hh : top + row.height / 2;
      nodes.set(row.symbol.step.id, { page, row: i, lane, cx: laneX(lane) + c.laneWidth / 2, cy, hw, hh });
    });
  });

  const shapes: Shape[][] = pages.map(() => []);
  const rowsOnPage = pages.map((p) => p.length);
  const router = new Router(c, laneX, rowsOnPage);
  let connectorNo = 0;

  for (const t of flow.transitions) {
    const from = nodes.get(t.from);
    if (!from) continue;
    const data: Record<string, string> = { from: t.from, to: t.to };
    if (t.actionId) data.action = t.actionId;
    else data.sequence = 'true';
    if (t.to === 'end') {
      const end = endNode(from, pages[from.page]?.[from.row]);
      shapes[from.page]?.push(...terminatorShapes(end, 'Selesai', { ...data, end: 'true' }, 'end'));
      shapes[from.page]?.push(...router.route(from, end, data, t.label));
      continue;
    }
    const to = nodes.get(t.to);
    if (!to) continue;
    if (to.page === from.page) {
      shapes[from.page]?.push(...router.route(from, to, data, t.label));
      continue;
    }
    // Across a page break: out into a connector here, in again from its twin on the target's page.
    const label = connectorLabel(connectorNo++);
    const down = to.page > from.page;
    const out = router.connector(from.page, from.lane, down ? 'bottom' : 'top', rowsTop, rowsBottom);
    const back = router.connector(to.page, to.lane, down ? 'top' : 'bottom', rowsTop, rowsBottom);
    const twin = { ...data, label, 'to-page': String(firstPageNo + to.page) };
    shapes[from.page]?.push(...connectorShapes(out, label, { ...twin, direction: 'out' }));
    shapes[from.page]?.push(...router.route(from, out, { ...data, part: 'out' }, t.label));
    shapes[to.page]?.push(...connectorShapes(back, label, { ...twin, direction: 'in' }));
    shapes[to.page]?.push(...router.route(back, to, { ...data, part: 'in' }));
  }

  return pages.map((placed, page) => {
    const pageNo = firstPageNo + page;
    const out: Shape[] = [];
    out.push({ kind: 'label', x: MARGIN, y: MARGIN, lines: titleLines, size: 9, bold: true });
    out.push(...tableFrame(sop, c, laneLines, tableTop, headTop, headSub, rowsTop, rowsBottom));
    for (const { row, y: top } of placed) out.push(...rowShapes(row, top, c));
    for (const { row } of placed) {
      const node = nodes.get(row.symbol.step.id);
      if (node) out.push(...symbolShapes(row.symbol, node));
    }
    out.push(...(shapes[page] ?? []));
    const note = sop.steps.some((s) => s.waktuDefault)
      ? '* Waktu bawaan SIPUT: sumber tidak mencantumkannya, atau hanya mencantumkan upaya kerja.'
      : '';
    out.push(...footer(note, sop, pageNo, totalPages));
    return { width: PAGE_WIDTH, height: PAGE_HEIGHT, kind: 'procedure' as const, shapes: out };
  });
}

function connectorLabel(n: number): string {
  return n < 26 ? String.fromCharCode(65 + n) : `${String.fromCharCode(65 + (n % 26))}${Math.floor(n / 26)}`;
}

/** The "Selesai" terminator drawn below a decision that may end the case. */
function endNode(from: Node, placed: { row: Row; y: number } | undefined): Node {
  const bottom = placed ? placed.y + placed.row.height : from.cy + 40;
  return { ...from, row: from.row + 0.5, cy: bottom - 12, hw: Math.min(from.hw, 18), hh: 7 };
}

function tableFrame(
  sop: SopDefinition,
  c: Columns,
  laneLines: string[][],
  top: number,
  headTop: number,
  headSub: number,
  rowsTop: number,
  rowsBottom: number,
): Shape[] {
  const out: Shape[] = [];
  const headBottom = top + headTop + headSub;
  const header = (x: number, w: number, y: number, h: number, text: string, data?: ShapeData) => {
    out.push({ kind: 'box', x, y, w, h, fill: '#e8e8e8', stroke: INK, role: 'header' });
    const lines = wrapText(text, w - 2 * PAD, 6.5, true);
    const ty = y + (h - lines.length * 6.5 * LINE_HEIGHT) / 2;
    out.push({
      kind: 'label',
      x: x + w / 2,
      y: ty,
      lines,
      size: 6.5,
      bold: true,
      align: 'middle',
      ...(data ? { data } : {}),
    });
  };
  const full = headTop + headSub;
  header(c.no, FIXED.no, top, full, 'No');
  header(c.kegiatan, FIXED.kegiatan, top, full, 'Kegiatan');
  header(c.lanes, c.laneWidth * sop.roles.length, top, headTop, 'Pelaksana');
  header(c.kelengkapan, FIXED.kelengkapan + FIXED.waktu + FIXED.output, top, headTop, 'Mutu Baku');
  header(c.kelengkapan, FIXED.kelengkapan, top + headTop, headSub, 'Kelengkapan');
  header(c.waktu, FIXED.waktu, top + headTop, headSub, 'Waktu');
  header(c.output, FIXED.output, top + headTop, headSub, 'Output');
  header(c.keterangan, FIXED.keterangan, top, full, 'Keterangan');
  sop.roles.forEach((role, i) => {
    const x = c.lanes + i * c.laneWidth;
    out.push({ kind: 'box', x, y: top + headTop, w: c.laneWidth, h: headSub, fill: '#e8e8e8', stroke: INK });
    const lines = laneLines[i] ?? [];
    const ty = top + headTop + (headSub - lines.length * 6 * LINE_HEIGHT) / 2;
    out.push({
      kind: 'label',
      x: x + c.laneWidth / 2,
      y: ty,
      lines,
      size: 6,
      bold: true,
      align: 'middle',
      role: 'lane',
      data: { role: role.id, name: role.name },
    });
  });
  // The bands above and below the rows hold the off-page connectors; the lanes run through them.
  out.push({
    kind: 'box',
    x: MARGIN,
    y: headBottom,
    w: c.right - MARGIN,
    h: rowsBottom + BAND - headBottom,
    stroke: INK,
  });
  for (const y of [rowsTop, rowsBottom]) out.push({ kind: 'line', x1: MARGIN, y1: y, x2: c.right, y2: y });
  const bottom = rowsBottom + BAND;
  for (const x of [c.kegiatan, c.lanes, c.kelengkapan, c.waktu, c.output, c.keterangan])
    out.push({ kind: 'line', x1: x, y1: headBottom, x2: x, y2: bottom, strokeWidth: 0.5 });
  for (let i = 1; i < sop.roles.length; i++) {
    const x = c.lanes + i * c.laneWidth;
    out.push({ kind: 'line', x1: x, y1: headBottom, x2: x, y2: bottom, strokeWidth: 0.3 });
  }
  return out;
}

function rowShapes(row: Row, top: number, c: Columns): Shape[] {
  const out: Shape[] = [];
  out.push({ kind: 'line', x1: MARGIN, y1: top + row.height, x2: c.right, y2: top + row.height, strokeWidth: 0.5 });
  for (const cell of row.cells) {
    const x = cell.align === 'middle' ? cell.x + cell.w / 2 : cell.x + PAD;
    out.push({
      kind: 'label',
      x,
      y: top + PAD,
      lines: cell.lines,
      size: TEXT,
      ...(cell.align ? { align: cell.align } : {}),
      role: 'cell',
    });
  }
  return out;
}

function symbolShapes(symbol: StepSymbol, n: Node): Shape[] {
  const data = { step: symbol.step.id, kind: symbol.kind, lane: symbol.step.actor };
  if (symbol.kind === 'decision') {
    return [
      {
        kind: 'polygon',
        points: [
          [n.cx, n.cy - n.hh],
          [n.cx + n.hw, n.cy],
          [n.cx, n.cy + n.hh],
          [n.cx - n.hw, n.cy],
        ],
        fill: '#fff',
        role: 'symbol',
        data,
      },
      { kind: 'label', x: n.cx, y: n.cy - SMALL * 0.6, lines: [symbol.step.id], size: SMALL, align: 'middle' },
    ];
  }
  return terminatorShapes(n, symbol.step.id, data, 'symbol', symbol.kind === 'terminator');
}

function terminatorShapes(n: Node, text: string, data: ShapeData, role: string, rounded = true): Shape[] {
  return [
    {
      kind: 'box',
      x: n.cx - n.hw,
      y: n.cy - n.hh,
      w: 2 * n.hw,
      h: 2 * n.hh,
      ...(rounded ? { r: n.hh } : {}),
      fill: '#fff',
      stroke: INK,
      role,
      data,
    },
    { kind: 'label', x: n.cx, y: n.cy - SMALL * 0.6, lines: [text], size: SMALL, align: 'middle' },
  ];
}

/** The off-page connector: a home-plate pentagon pointing down, lettered like its twin. */
function connectorShapes(n: Node, label: string, data: ShapeData): Shape[] {
  const { cx, cy } = n;
  return [
    {
      kind: 'polygon',
      points: [
        [cx - 6, cy - 7],
        [cx + 6, cy - 7],
        [cx + 6, cy + 2],
        [cx, cy + 7],
        [cx - 6, cy + 2],
      ],
      fill: '#fff',
      role: 'connector',
      data,
    },
    { kind: 'label', x: cx, y: cy - 5, lines: [label], size: SMALL, bold: true, align: 'middle' },
  ];
}

function footer(note: string, sop: SopDefinition, pageNo: number, pages: number): Shape[] {
  const y = PAGE_HEIGHT - MARGIN - 8;
  const page = `Halaman ${pageNo} dari ${pages} · ${sop.id} versi ${sop.version}`;
  const out: Shape[] = [
    {
      kind: 'label',
      x: PAGE_WIDTH - MARGIN - textWidth(page, 6.5),
      y,
      lines: [page],
      size: 6.5,
    },
  ];
  if (note) out.push({ kind: 'label', x: MARGIN, y, lines: [note], size: 6.5, role: 'note' });
  return out;
}

/**
 * Draws arrows on orthogonal paths: straight down to the next row when it can, else out of a
 * side, along a track beside the lanes' borders (where no symbol sits), and into the target's side.
 */
class Router {
  readonly #used = new Map<string, number>();

  constructor(
    private readonly c: Columns,
    private readonly laneX: (lane: number) => number,
    private readonly rowsOnPage: readonly number[],
  ) {}

  /** A connector in a page's top or bottom band, beside those already in the same lane. */
  connector(page: number, lane: number, band: 'top' | 'bottom', rowsTop: number, rowsBottom: number): Node {
    const k = this.#take(`connector:${page}:${lane}:${band}`);
    const spread = Math.min(14, (this.c.laneWidth - 14) / 2);
    const cx = this.laneX(lane) + this.c.laneWidth / 2 + (k === 0 ? 0 : (k % 2 ? 1 : -1) * spread);
    const top = band === 'top';
    return {
      page,
      lane,
      row: top ? -1 : (this.rowsOnPage[page] ?? 0),
      cx,
      cy: top ? rowsTop - BAND / 2 : rowsBottom + BAND / 2,
      hw: 6,
      hh: 7,
    };
  }

  route(from: Node, to: Node, data: ShapeData, label?: string): Shape[] {
    const points = this.#path(from, to);
    const out: Shape[] = [{ kind: 'arrow', points, role: 'arrow', data }];
    const [start, next] = points;
    if (label && start && next) {
      const right = next[0] > start[0];
      const left = next[0] < start[0];
      const width = textWidth(label, SMALL);
      const x = left ? start[0] - width - 1 : start[0] + 2;
      const y = right || left ? start[1] - SMALL * 1.3 : start[1] + 1;
      out.push({ kind: 'label', x, y, lines: [label], size: SMALL, role: 'branch', data });
    }
    return out;
  }

  #path(from: Node, to: Node): [number, number][] {
    if (to.row === from.row + 1 || (to.row > from.row && to.row < from.row + 1)) {
      if (this.#free(from, 'bottom') && this.#free(to, 'top')) {
        this.#take(key(from, 'bottom'));
        this.#take(key(to, 'top'));
        const start: [number, number] = [from.cx, from.cy + from.hh];
        const end: [number, number] = [to.cx, to.cy - to.hh];
        if (Math.abs(from.cx - to.cx) < 0.5) return [start, end];
        const mid = Math.min(start[1] + 6, end[1] - 6);
        return [start, [from.cx, mid], [to.cx, mid], end];
      }
    }
    const sameLane = from.lane === to.lane;
    let exit: Side = to.lane > from.lane ? 'right' : to.lane < from.lane ? 'left' : 'right';
    if (sameLane && !this.#free(from, 'right')) exit = 'left';
    else if (!sameLane && !this.#free(from, exit) && this.#free(from, 'bottom')) exit = 'bottom';
    const enter: Side = sameLane ? (exit === 'left' ? 'left' : 'right') : to.lane > from.lane ? 'left' : 'right';
    const exitK = this.#take(key(from, exit));
    const enterK = this.#take(key(to, enter));
    const trackSide = enter === 'left' ? 'left' : 'right';
    const trackK = this.#take(`track:${to.page}:${to.lane}:${trackSide}`);
    const room = Math.max(2, this.c.laneWidth / 2 - to.hw - 2);
    const offset = Math.min(3 + trackK * 3, room);
    const laneLeft = this.laneX(to.lane);
    const trackX = trackSide === 'left' ? laneLeft + offset : laneLeft + this.c.laneWidth - offset;
    const shift = (k: number, half: number) => Math.min(k * 3, half - 2) * (k % 2 ? -1 : 1);
    const start: [number, number] =
      exit === 'bottom'
        ? [from.cx + shift(exitK, from.hw), from.cy + from.hh]
        : [exit === 'right' ? from.cx + from.hw : from.cx - from.hw, from.cy + shift(exitK, from.hh)];
    const endY = to.cy + shift(enterK, to.hh);
    const edge = enter === 'left' ? to.cx - to.hw : to.cx + to.hw;
    // A diamond's side narrows away from its middle: the arrow stops on its outline.
    const endX = to.hh > 10 ? edge + (enter === 'left' ? 1 : -1) * (Math.abs(endY - to.cy) / to.hh) * to.hw : edge;
    if (exit === 'bottom')
      return [start, [start[0], start[1] + 5], [trackX, start[1] + 5], [trackX, endY], [endX, endY]];
    return [start, [trackX, start[1]], [trackX, endY], [endX, endY]];
  }

  #free(n: Node, side: Side): boolean {
    return !this.#used.has(key(n, side));
  }

  #take(k: string): number {
    const count = this.#used.get(k) ?? 0;
    this.#used.set(k, count + 1);
    return count;
  }
}

function key(n: Node, side: Side): string {
  return `${n.page}:${n.cx}:${n.cy}:${side}`;
}
