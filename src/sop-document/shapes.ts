/**
 * What a rendered SOP page is made of, in PDF points (A4 landscape is 842 × 595). The layout is
 * computed once and drawn twice, as SVG for the console and as PDF for the download, so both
 * show the same document.
 */
export type Shape = Box | Polygon | Line | Arrow | Label;

/** data-* attributes in the SVG, so tests and tools can read the drawing without pixels. */
export type ShapeData = Readonly<Record<string, string>>;

interface ShapeBase {
  /** The SVG class: "cell", "lane", "symbol", "arrow", "connector"… */
  readonly role?: string;
  readonly data?: ShapeData;
}

export interface Box extends ShapeBase {
  readonly kind: 'box';
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  /** Corner radius: a terminator's rounded ends. */
  readonly r?: number;
  readonly fill?: string;
  readonly stroke?: string;
  readonly strokeWidth?: number;
}

export interface Polygon extends ShapeBase {
  readonly kind: 'polygon';
  readonly points: readonly (readonly [number, number])[];
  readonly fill?: string;
}

export interface Line extends ShapeBase {
  readonly kind: 'line';
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  readonly strokeWidth?: number;
}

/** A polyline ending in an arrowhead at its last point. */
export interface Arrow extends ShapeBase {
  readonly kind: 'arrow';
  readonly points: readonly (readonly [number, number])[];
}

/** Text already wrapped into lines; `y` is the top of the first line. */
export interface Label extends ShapeBase {
  readonly kind: 'label';
  readonly x: number;
  readonly y: number;
  readonly lines: readonly string[];
  readonly size: number;
  readonly bold?: boolean;
  readonly align?: 'start' | 'middle';
}

export interface DocumentPage {
  readonly width: number;
  readonly height: number;
  /** identity: the identity page; procedure: a page of the procedure table. */
  readonly kind: 'identity' | 'procedure';
  readonly shapes: readonly Shape[];
}

export interface SopDocument {
  readonly sopId: string;
  readonly version: number;
  readonly title: string;
  readonly pages: readonly DocumentPage[];
}

/** A4 landscape in PDF points. */
export const PAGE_WIDTH = 841.89;
export const PAGE_HEIGHT = 595.28;
/** A line of text is this many times its font size high. */
export const LINE_HEIGHT = 1.2;
