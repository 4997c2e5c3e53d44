// The public face of src/cases (CaseService, the SOP registry, intake and calendars): other folders import from here, not from the modules inside.
export { UnitCalendars } from './calendars.js';
export { type AfterCommit, CaseService, type TimerCommand } from './case-service.js';
export type { SavedTransition } from './case-store.js';
export { IntakeRefusedError, SopVersionTakenError, UnknownCaseError } from './errors.js';
export {
  type ChatOffer,
  chatOffers,
  checkField,
  checkForm,
  fieldText,
  type IntakeFile,
  intakeFieldsOf,
  intakeFilesOf,
  MAX_BODY,
  MAX_SUBJECT,
  mayOpen,
  type Opener,
  openCase,
  parseUnitSops,
  unitRuns,
  unitSopList,
} from './intake.js';
export { type LatestNote, latestNote, noteOf } from './latest-note.js';
export { isPublishedFile, outputDocuments, outputUrl, verifyOutputLink } from './output-documents.js';
export {
  answerReporter,
  answerReporterIn,
  askReporter,
  askReporterIn,
  REPORTER_TEXT_MAX,
} from './reporter-requests.js';
export { SopRegistry } from './sop-registry.js';
export { assignWaitingSteps, assignWaitingStepsIn, countUnheldSteps } from './waiting-steps.js';
