import { extendCatalog, hasMessage, type Language, t } from './catalog.js';

/**
 * A closed case's outcome in the reader's language. SOP files name their outcomes in Bahasa
 * Indonesia ("selesai", "ditetapkan"); the ones the shipped SOPs and the engine use have English
 * words here, and an outcome a unit adds later shows as written.
 */
export function outcomeText(language: Language, outcome: string | null | undefined): string {
  const key = `outcome.${(outcome ?? 'selesai').trim().toLowerCase()}`;
  return hasMessage(language, key) ? t(language, key) : (outcome ?? '');
}

extendCatalog('id', {
  'outcome.selesai': 'selesai',
  'outcome.ditetapkan': 'ditetapkan',
  'outcome.didistribusikan': 'didistribusikan',
  'outcome.laporan disampaikan': 'laporan disampaikan',
  'outcome.tidak-dilengkapi': 'tidak dilengkapi',
});

extendCatalog('en', {
  'outcome.selesai': 'completed',
  'outcome.ditetapkan': 'enacted',
  'outcome.didistribusikan': 'distributed',
  'outcome.laporan disampaikan': 'report delivered',
  'outcome.tidak-dilengkapi': 'not completed: the reporter did not send what was asked',
});
