import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Tx } from '../db/index.js';
import { messages } from '../db/index.js';
import { extendCatalog, type Language, outcomeText, t } from '../i18n/index.js';

extendCatalog('id', {
  'history.received': 'Tiket diterima: {status}',
  'history.update': '{status}',
  'history.closed': 'Selesai ditindaklanjuti ({outcome})',
});
extendCatalog('en', {
  'history.received': 'Ticket received: {status}',
  'history.update': '{status}',
  'history.closed': 'Completed ({outcome})',
});

const TEMPLATES = ['case.received', 'case.update', 'case.closed'];

export interface HistoryEntry {
  readonly at: Date;
  readonly text: string;
  /** The tindak lanjut the official chose to show the reporter, if any. */
  readonly tindakLanjut: string | null;
}

/**
 * What the reporter was told of a case, oldest first: the stages and each tindak lanjut's text. The
 * chat's status answer and the public status page both show this list, so they always agree.
 */
export async function reporterHistory(tx: Tx, caseId: string, language: Language): Promise<HistoryEntry[]> {
  const told = await tx
    .select({ at: messages.createdAt, template: messages.template, params: messages.params })
    .from(messages)
    .where(
      and(
        eq(messages.caseId, caseId),
        eq(messages.recipientKind, 'stakeholder'),
        inArray(messages.template, TEMPLATES),
        // A message forwarded by email is the same news: it is listed once.
        isNull(messages.forwardedFrom),
      ),
    )
    .orderBy(asc(messages.seq));
  return told.map((m) => {
    const status = (language === 'en' ? m.params.status_en : undefined) ?? m.params.status ?? '';
    return {
      at: m.at,
      text: t(language, `history.${m.template.slice('case.'.length)}`, {
        status,
        outcome: outcomeText(language, m.params.outcome),
      }),
      tindakLanjut: m.params.tindak_lanjut ?? null,
    };
  });
}
