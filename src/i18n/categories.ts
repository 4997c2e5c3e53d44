import { hasMessage, type Language, t } from './catalog.js';

/**
 * Keluhan, saran or masukan in the reader's words; a category the chat does not offer shows as
 * stored. The words are the complaint flow's own (`complaint.category.*`).
 */
export function categoryText(language: Language, category: string | null | undefined): string {
  if (!category) return '-';
  const key = `complaint.category.${category}`;
  return hasMessage(language, key) ? t(language, key) : category;
}
