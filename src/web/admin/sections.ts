import type { FastifyPluginAsync } from 'fastify';
import { casePageSection } from './case-page.js';
import { documentsSection } from './documents.js';
import { guestbookSection } from './guestbook.js';
import { healthSection } from './health.js';
import { officialTasksSection } from './official-tasks.js';
import { peopleSection } from './people.js';
import type { SectionOptions } from './plugin.js';
import { privacySection } from './privacy.js';
import { queueBoardSection } from './queue-board.js';
import { reportsSection } from './reports.js';
import { trackingSection } from './tracking.js';
import { unitsSection } from './units.js';

/** The console's sections, each a fastify plugin registered inside the signed-in scope of /admin. */
export const CONSOLE_SECTIONS: readonly FastifyPluginAsync<SectionOptions>[] = [
  documentsSection,
  guestbookSection,
  officialTasksSection,
  peopleSection,
  unitsSection,
  healthSection,
  queueBoardSection,
  trackingSection,
  casePageSection,
  reportsSection,
  privacySection,
];
