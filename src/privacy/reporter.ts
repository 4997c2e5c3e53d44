import { eq } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { cases, stakeholders } from '../db/index.js';
import { extendCatalog, type Language, t } from '../i18n/index.js';
import { identityPatterns, scrubText } from './identity-text.js';
import { pseudonymOf } from './pseudonym.js';

extendCatalog('id', {
  'reporter.rahasia': '{alias} (identitas dirahasiakan)',
  'reporter.erased': '(data pribadi telah dihapus)',
});
extendCatalog('en', {
  'reporter.rahasia': '{alias} (identity kept confidential)',
  'reporter.erased': '(personal data erased)',
});

/** Who filed a case, as an official handling it may see it. */
export interface ReporterView {
  /** "Budi (budi@contoh.go.id, +62…)", or for a rahasia report only its pseudonym. */
  readonly line: string;
  /** For a rahasia report, the text with the reporter's name, email and phone replaced by the pseudonym. */
  scrub(text: string | null): string | null;
}

/** What a reporter view is made of: the case's rahasia mark and who filed it (nulls for nobody). */
export interface ReporterFacts {
  readonly rahasia: boolean;
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  /** Set (a timestamp in any form) once their personal data was erased. */
  readonly erasedAt: unknown;
}

/**
 * The reporter line of a task shown to an official. A rahasia report shows a pseudonym and no
 * contact details, and its texts lose the reporter's name, email and phone where they wrote them.
 */
export async function reporterForOfficials(tx: Tx, caseId: string, language: Language): Promise<ReporterView> {
  const [row] = await tx
    .select({
      rahasia: cases.rahasia,
      name: stakeholders.name,
      email: stakeholders.email,
      phone: stakeholders.phone,
      erasedAt: stakeholders.erasedAt,
    })
    .from(cases)
    .leftJoin(stakeholders, eq(stakeholders.id, cases.stakeholderId))
    .where(eq(cases.id, caseId));
  return reporterView(row, caseId, language);
}

/** reporterForOfficials from facts read already (undefined: no such case). */
export function reporterView(row: ReporterFacts | undefined, caseId: string, language: Language): ReporterView {
  const keep = (text: string | null) => text;
  if (!row || (row.name === null && row.email === null && row.phone === null && !row.erasedAt)) {
    return { line: '-', scrub: keep };
  }
  if (row.erasedAt) return { line: t(language, 'reporter.erased'), scrub: keep };
  if (row.rahasia) {
    const alias = pseudonymOf(caseId);
    const patterns = identityPatterns(row);
    return { line: t(language, 'reporter.rahasia', { alias }), scrub: (text) => scrubText(text, patterns, alias) };
  }
  const contact = [row.email, row.phone].filter(Boolean).join(', ');
  return { line: contact ? `${row.name ?? '-'} (${contact})` : (row.name ?? '-'), scrub: keep };
}
