// The errors of src/privacy, in one place: each has a code; one a person reads has a message key.
export class UnknownStakeholderError extends Error {
  override readonly name = 'UnknownStakeholderError';
  readonly code = 'stakeholder_unknown';
  readonly messageKey = 'privacy.unknown_stakeholder';
}
