import type { SopDefinition } from '../sop/index.js';
import { identityPage } from './identity-page.js';
import { procedurePages } from './procedure-table.js';
import type { SopDocument } from './shapes.js';

/** Lays out an SOP version as its PermenPANRB 35/2012 document: the identity page, then the procedure table. */
export function layoutSopDocument(sop: SopDefinition): SopDocument {
  // The page count is only known once the table is paged; the footers need it, so page twice.
  const draft = procedurePages(sop, 2, 0);
  const total = draft.length + 1;
  const pages = [identityPage(sop, total), ...procedurePages(sop, 2, total)];
  return { sopId: sop.id, version: sop.version, title: sop.title, pages };
}
