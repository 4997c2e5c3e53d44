import type { FastifyPluginAsync } from 'fastify';
import { auditSection } from './audit.js';
import { caseFieldsSection } from './case-fields.js';
import { casePageSection } from './case-page.js';
import { dashboardSection } from './dashboard.js';
import { documentsSection } from './documents.js';
import { guestbookSection } from './guestbook.js';
import { healthSection } from './health.js';
import { newCaseSection } from './new-case.js';
import { officialTasksSection } from './official-tasks.js';
import { peopleSection } from './people.js';
import type { SectionOptions } from './plugin.js';
import { privacySection } from './privacy.js';
import { queueBoardSection } from './queue-board.js';
import { reporterRequestSection } from './reporter-request.js';
import { reportsSection } from './reports.js';
import { skmReportSection } from './skm-report.js';
import { sopSection } from './sop-section.js';
import { sopUploadSection } from './sop-upload.js';
import { trackingSection } from './tracking.js';
import { unitDaysOffSection } from './unit-days-off.js';
import { unitHoursPeriodsSection } from './unit-hours-periods.js';
import { unitLetterheadSection } from './unit-letterhead.js';
import { unitsSection } from './units.js';

/** The console's sections, each a fastify plugin registered inside the signed-in scope of /admin. */
export const CONSOLE_SECTIONS: readonly FastifyPluginAsync<SectionOptions>[] = [
  dashboardSection,
  documentsSection,
  guestbookSection,
  officialTasksSection,
  peopleSection,
  unitsSection,
  unitDaysOffSection,
  unitHoursPeriodsSection,
  unitLetterheadSection,
  healthSection,
  queueBoardSection,
  trackingSection,
  newCaseSection,
  casePageSection,
  caseFieldsSection,
  reporterRequestSection,
  reportsSection,
  skmReportSection,
  privacySection,
  auditSection,
  sopSection,
  sopUploadSection,
];
