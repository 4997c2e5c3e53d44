import { eq } from 'drizzle-orm';
import { type Letterhead, type UnitLogo, units } from '../../db/index.js';
import { readUnitLogo } from '../../files/index.js';
import { html, type SafeHtml } from '../../html.js';
import { formatDay, type Language, t } from '../../i18n/index.js';
import { unitLogoUrl } from '../unit-logos.js';
import type { ConsoleDeps } from './console-deps.js';

/** What an official document of a unit carries above its title and under its last table. */
export interface DocumentHead {
  readonly unitId: string;
  readonly unitName: string;
  readonly letterhead: Letterhead | null;
  readonly logo: UnitLogo | null;
  /** The logo's bytes, for a PDF; null when the unit has none. */
  readonly logoBytes: Buffer | null;
}

/**
 * The letterhead of the unit a report is about; a report over all units is issued by the service's
 * own unit (DEFAULT_UNIT), so it carries that one's.
 */
export async function documentHead(app: ConsoleDeps, unitId: string | null): Promise<DocumentHead> {
  const id = unitId ?? app.config.DEFAULT_UNIT;
  const [row] = await app.database.db
    .select({ name: units.name, logo: units.logo, letterhead: units.letterhead })
    .from(units)
    .where(eq(units.id, id));
  return {
    unitId: id,
    unitName: row?.name ?? id,
    letterhead: row?.letterhead ?? null,
    logo: row?.logo ?? null,
    logoBytes: await readUnitLogo(app.config.DATA_DIR, row?.logo ?? null),
  };
}

/** The kop surat as HTML, for the print view: the same lines the PDF carries. */
export function kopHtml(head: DocumentHead): SafeHtml {
  const lh = head.letterhead;
  return html`<header class="kop">
  ${head.logo ? html`<img src="${unitLogoUrl(head.unitId, head.logo)}" alt="Logo ${head.unitName}">` : ''}
  <div>
    ${lh?.parent ? html`<p class="kop-parent">${lh.parent}</p>` : ''}
    <p class="kop-unit">${head.unitName}</p>
    ${lh?.address ? html`<p>${lh.address}</p>` : ''}
    ${lh?.contact ? html`<p>${lh.contact}</p>` : ''}
  </div>
</header>`;
}

/** The signature block: place and date, jabatan, room to sign, name and NIP; dotted lines where unset. */
export function signatureHtml(head: DocumentHead, language: Language, zone: string, now: Date): SafeHtml {
  const lh = head.letterhead;
  const blank = '..............................';
  return html`<div class="signature">
  <p>${lh?.place || blank}, ${formatDay(now, language, zone)}</p>
  <p>${lh?.signerPosition || blank}</p>
  <p class="signature-name">${lh?.signerName || blank}</p>
  <p>${t(language, 'admin.reports.signer_nip', { nip: lh?.signerNip || blank })}</p>
</div>`;
}
