import { type DocumentPage, LINE_HEIGHT, type Shape } from './shapes.js';

const FONT = "Helvetica, Arial, 'Liberation Sans', sans-serif";
/** Where the first baseline sits below a line's top: Helvetica's ascender. */
const ASCENT = 0.78;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function attrs(shape: Shape): string {
  let out = shape.role ? ` class="${esc(shape.role)}"` : '';
  for (const [k, v] of Object.entries(shape.data ?? {})) out += ` data-${k}="${esc(v)}"`;
  return out;
}

const n = (x: number) => Number(x.toFixed(2));

function shapeSvg(shape: Shape): string {
  switch (shape.kind) {
    case 'box':
      return `<rect${attrs(shape)} x="${n(shape.x)}" y="${n(shape.y)}" width="${n(shape.w)}" height="${n(shape.h)}"${
        shape.r ? ` rx="${n(shape.r)}"` : ''
      } fill="${shape.fill ?? 'none'}" stroke="${shape.stroke ?? 'none'}" stroke-width="${shape.strokeWidth ?? 0.8}"/>`;
    case 'polygon':
      return `<polygon${attrs(shape)} points="${shape.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ')}" fill="${
        shape.fill ?? 'none'
      }" stroke="#000" stroke-width="0.8"/>`;
    case 'line':
      return `<line${attrs(shape)} x1="${n(shape.x1)}" y1="${n(shape.y1)}" x2="${n(shape.x2)}" y2="${n(shape.y2)}" stroke="#000" stroke-width="${
        shape.strokeWidth ?? 0.8
      }"/>`;
    case 'arrow':
      return `<path${attrs(shape)} d="M${shape.points.map(([x, y]) => `${n(x)} ${n(y)}`).join(' L')}" fill="none" stroke="#000" stroke-width="0.7" marker-end="url(#arrowhead)"/>`;
    case 'label': {
      const anchor = shape.align === 'middle' ? ' text-anchor="middle"' : '';
      const weight = shape.bold ? ' font-weight="bold"' : '';
      const tspans = shape.lines
        .map(
          (line, i) =>
            `<tspan x="${n(shape.x)}" y="${n(shape.y + shape.size * (ASCENT + i * LINE_HEIGHT))}">${esc(line)}</tspan>`,
        )
        .join('');
      return `<text${attrs(shape)} font-size="${shape.size}"${weight}${anchor}>${tspans}</text>`;
    }
  }
}

/** One page as a standalone SVG, sized in points so it prints at A4. */
export function pageToSvg(page: DocumentPage, title: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n(page.width)} ${n(page.height)}" width="${n(page.width)}pt" height="${n(page.height)}pt" font-family="${FONT}" data-page="${page.kind}" role="img">`,
    `<title>${esc(title)}</title>`,
    '<defs><marker id="arrowhead" viewBox="0 0 6 6" refX="5.5" refY="3" markerWidth="6" markerHeight="6" markerUnits="userSpaceOnUse" orient="auto"><path d="M0 0 L6 3 L0 6 z" fill="#000"/></marker></defs>',
    `<rect x="0" y="0" width="${n(page.width)}" height="${n(page.height)}" fill="#fff"/>`,
    ...page.shapes.map(shapeSvg),
    '</svg>',
  ].join('\n');
}
