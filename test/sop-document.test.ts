import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSopFolder } from '../src/sop/catalog.js';
import type { SopDefinition } from '../src/sop/definition.js';
import { documentToPdf, layoutSopDocument, pageToSvg } from '../src/sop-document/index.js';

const SHIPPED = loadSopFolder(fileURLToPath(new URL('../sops/', import.meta.url)));

interface Element {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** The text of a <text> element, its tspans joined by spaces. */
  readonly text: string;
}

/** Reads the elements of an SVG page: tag, attributes (entities decoded) and the text inside. */
function parseSvg(svg: string): Element[] {
  const decode = (v: string) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  const out: Element[] = [];
  for (const match of svg.matchAll(/<([a-z]+)((?:\s+[a-z-]+="[^"]*")*)\s*(\/?)>/g)) {
    const [, tag = '', rawAttrs = '', selfClosing] = match;
    const attrs: Record<string, string> = {};
    for (const [, k = '', v = ''] of rawAttrs.matchAll(/([a-z-]+)="([^"]*)"/g)) attrs[k] = decode(v);
    let text = '';
    if (!selfClosing && tag === 'text') {
      const end = svg.indexOf('</text>', match.index);
      text = decode(
        svg
          .slice(match.index + match[0].length, end)
          .replace(/<\/tspan><tspan[^>]*>/g, ' ')
          .replace(/<[^>]+>/g, ''),
      );
    }
    out.push({ tag, attrs, text });
  }
  return out;
}

function render(sop: SopDefinition) {
  const document = layoutSopDocument(sop);
  const pages = document.pages.map((page) => ({ kind: page.kind, elements: parseSvg(pageToSvg(page, sop.title)) }));
  return { document, pages, all: pages.flatMap((p) => p.elements) };
}

const byClass = (elements: Element[], cls: string) => elements.filter((e) => e.attrs.class === cls);

/** The steps each step's actions lead to; "previous" is every step that leads into it. */
function expectedTargets(sop: SopDefinition, stepId: string, to: string): string[] {
  if (to !== 'previous') return [to];
  return sop.steps
    .filter((s) => s.actions.some((a) => a.kind !== 'return' && a.to === stepId))
    .map((s) => s.id)
    .filter((id, i, all) => all.indexOf(id) === i);
}

describe.each(SHIPPED.map((sop) => [sop.id, sop] as const))('the SOP document of %s', (_id, sop) => {
  const { pages, all } = render(sop);

  it('opens with the identity page, then the procedure table', () => {
    expect(pages[0]?.kind).toBe('identity');
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.slice(1).every((p) => p.kind === 'procedure')).toBe(true);
    const judul = byClass(pages[0]?.elements ?? [], 'identity').find((e) => e.attrs['data-field'] === 'judul');
    expect(judul?.text).toBe(sop.title.replace(/\s+/g, ' '));
  });

  it('has one lane per role on every page of the table, in the order of the roles', () => {
    for (const page of pages.slice(1)) {
      expect(byClass(page.elements, 'lane').map((e) => e.attrs['data-role'])).toEqual(sop.roles.map((r) => r.id));
    }
  });

  it('draws one symbol per step, in its actor’s lane, of the kind its actions make it', () => {
    const symbols = byClass(all, 'symbol');
    expect(symbols.map((s) => s.attrs['data-step'])).toEqual(sop.steps.map((s) => s.id));
    sop.steps.forEach((step, index) => {
      const symbol = symbols[index];
      const targets = new Set(step.actions.map((a) => a.to));
      const kind =
        targets.size > 1
          ? 'decision'
          : index === 0 || (targets.size === 1 && targets.has('end'))
            ? 'terminator'
            : 'process';
      expect(symbol?.attrs['data-kind'], `step ${step.id}`).toBe(kind);
      expect(symbol?.attrs['data-lane']).toBe(step.actor);
      expect(symbol?.tag).toBe(kind === 'decision' ? 'polygon' : 'rect');
      if (kind === 'terminator') expect(Number(symbol?.attrs.rx)).toBeGreaterThan(0);
      if (kind === 'process') expect(symbol?.attrs.rx).toBeUndefined();
    });
  });

  it('draws an arrow for every transition in the data, split at page breaks by a pair of connectors', () => {
    const arrows = byClass(all, 'arrow');
    for (const step of sop.steps) {
      const decision = new Set(step.actions.map((a) => a.to)).size > 1;
      for (const action of step.actions) {
        for (const to of expectedTargets(sop, step.id, action.to)) {
          if (to === 'end' && !decision) continue; // the terminator itself ends the case
          const drawn = arrows.filter(
            (a) =>
              a.attrs['data-from'] === step.id && a.attrs['data-to'] === to && a.attrs['data-action'] === action.id,
          );
          const parts = drawn.map((a) => a.attrs['data-part'] ?? 'whole').sort();
          expect(parts, `${step.id} --${action.id}--> ${to}`).toSatisfy(
            (p: string[]) => p.join() === 'whole' || p.join() === 'in,out',
          );
        }
      }
    }
    const connectors = byClass(all, 'connector');
    const letters = new Set(connectors.map((c) => c.attrs['data-label']));
    for (const letter of letters) {
      const pair = connectors.filter((c) => c.attrs['data-label'] === letter).map((c) => c.attrs['data-direction']);
      expect(pair.sort()).toEqual(['in', 'out']);
    }
  });

  it('labels the two ways out of a decision Ya and Tidak', () => {
    for (const step of sop.steps) {
      const targets = new Set(step.actions.map((a) => a.to));
      if (targets.size !== 2 || step.actions.some((a) => /^\s*[0-9a-z]\)/.test(a.label.id))) continue;
      const labels = byClass(all, 'branch')
        .filter((l) => l.attrs['data-from'] === step.id)
        .map((l) => l.text);
      expect(new Set(labels), `step ${step.id}`).toEqual(new Set(['Ya', 'Tidak']));
    }
  });

  it('marks the waktu SIPUT chose, and explains the mark', () => {
    const cells = byClass(all, 'cell').map((c) => c.text);
    for (const step of sop.steps) {
      const waktu = `${step.waktu.text}${step.waktuDefault ? ' *' : ''}`;
      expect(cells, `step ${step.id}`).toContain(step.effort ? `${waktu} (upaya ${step.effort.text})` : waktu);
    }
    const noted = byClass(all, 'note').some((n) => n.text.startsWith('* Waktu bawaan SIPUT'));
    expect(noted).toBe(sop.steps.some((s) => s.waktuDefault));
  });

  it('prints as an A4 landscape PDF with the same pages', async () => {
    const { document } = render(sop);
    const pdf = await documentToPdf(document);
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.match(/\/Type \/Page\b/g)).toHaveLength(document.pages.length);
    expect(text).toContain('/MediaBox [0 0 841.89 595.28]');
  });
});

describe('the SIPUT SMS document', () => {
  const sms = SHIPPED.find((s) => s.id === 'siput-sms');
  if (!sms) throw new Error('siput-sms is not shipped');
  const { pages, all } = render(sms);

  it('reads like its source: terminators at both ends, the verification a decision, passing on a process', () => {
    const kind = (step: string) =>
      byClass(all, 'symbol').find((s) => s.attrs['data-step'] === step)?.attrs['data-kind'];
    expect([kind('1'), kind('4'), kind('5a'), kind('8'), kind('11')]).toEqual([
      'terminator',
      'decision',
      'decision',
      'process',
      'terminator',
    ]);
  });

  it('fills the identity page from the SOP’s identity fields', () => {
    const fields = Object.fromEntries(
      byClass(pages[0]?.elements ?? [], 'identity').map((e) => [e.attrs['data-field'], e.text]),
    );
    expect(fields).toMatchObject({
      nomor: 'SOP-46 / sesjen / XI / 2017',
      'tanggal-pembuatan': '24 November 2017',
      'tanggal-revisi': '-',
      'disahkan-oleh': 'Sekretaris Jenderal Dewan Ketahanan Nasional',
    });
    expect(fields['dasar-hukum']).toMatch(/^1\. Keputusan Presiden RI Nomor 101 Tahun 1999/);
    expect(fields.keterkaitan).toContain('4. SOP Sistem Penyerapan Aspirasi Organisasi dan Tata Laksana (SPA-OT)');
  });
});
