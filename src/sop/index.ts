// The public face of src/sop (the SOP format, the pure engine and the working calendar): other folders import from here, not from the modules inside.
export type { WorkingCalendar } from './calendar.js';
export { type CaseState, caseIdOf, type OpenStep, timerJobId } from './case-state.js';
export { loadSopFile, loadSopFolder, parseSop } from './catalog.js';
export {
  type CaseField,
  END,
  type SopAction,
  type SopDefinition,
  type SopRole,
  type SopStep,
  sopDefinitionSchema,
  type TrackingColumn,
} from './definition.js';
export type { Delegation, Directory, OfficialEntry } from './directory.js';
export { parseDuration } from './duration.js';
export type { AuditEntry, Effect, Recipient } from './effects.js';
export {
  ANSWER_REPORTER_CHOICE,
  ASK_REPORTER_CHOICE,
  apply,
  type EngineContext,
  stepOf,
  type Transition,
} from './engine.js';
export { CaseRejectedError, SopDefinitionError } from './errors.js';
export type { AttachmentRef, CaseEvent } from './events.js';
export { type HolidayCalendar, isConfirmedYear, loadHolidays } from './holidays.js';
export { kelengkapanKey, mayBeAbsent } from './kelengkapan.js';
export { rungSource, toSopSource } from './source.js';
export { activeWorkingMs } from './step-clock.js';
export {
  createWorkingCalendar,
  DEFAULT_WORKING_HOURS,
  type HoursPeriod,
  type IsoWeekday,
  type OfficeHours,
  TIME_ZONES,
  type WorkingHours,
  zoneLabel,
  zoneOf,
} from './working-calendar.js';
