// Every message text the service speaks, registered here once at start-up (main.ts, the CLI, the bench and the
// test set-up import this module) instead of by side-effect imports scattered through the modules that
// use them. test/texts-registry.test.ts keeps this list whole. Modules that hold their few texts beside
// their only user (the status page, the survey flow…) register them themselves.
import './bots/telegram/texts.js';
import './cases/intake-texts.js';
import './files/texts.js';
import './flows/texts.js';
import './i18n/clock-texts.js';
import './jobs/line-alert-texts.js';
import './web/admin/audit-texts.js';
import './web/admin/case-fields-texts.js';
import './web/admin/case-page-texts.js';
import './web/admin/clock-texts.js';
import './web/admin/dashboard-texts.js';
import './web/admin/documents-texts.js';
import './web/admin/dropped-senders-texts.js';
import './web/admin/health-texts.js';
import './web/admin/new-case-texts.js';
import './web/admin/official-tasks-texts.js';
import './web/admin/paused-lines-texts.js';
import './web/admin/people-texts.js';
import './web/admin/privacy-texts.js';
import './web/admin/report-texts.js';
import './web/admin/reporter-request-texts.js';
import './web/admin/skm-texts.js';
import './web/admin/sop-texts.js';
import './web/admin/texts.js';
import './web/admin/tracking-texts.js';
import './web/admin/unit-days-off-texts.js';
import './web/admin/unit-hours-periods-texts.js';
import './web/admin/unit-letterhead-texts.js';
import './web/admin/whatsapp-panel-texts.js';
import './web/texts.js';
