// The errors of src/cases (opening and running cases), in one place: each has a code; one a person reads has a message key.
export type IntakeRefusal =
  | 'sop_unknown'
  | 'unit_unknown'
  | 'sop_not_offered'
  | 'not_initiator'
  | 'subject_empty'
  | 'subject_too_long'
  | 'body_empty'
  | 'body_too_long'
  | 'field_missing'
  | 'field_too_long'
  | 'field_invalid'
  | 'file_missing'
  | 'file_unknown';

/** A case that cannot be opened as asked; nothing was written. The person reads `messageKey`. */
export class IntakeRefusedError extends Error {
  override readonly name = 'IntakeRefusedError';
  readonly messageKey: string;
  constructor(
    readonly code: IntakeRefusal,
    readonly params: Readonly<Record<string, string>> = {},
  ) {
    super(`case not opened: ${code}`);
    this.messageKey = `intake.refused.${code}`;
  }
}

export class UnknownSopError extends Error {
  override readonly name = 'UnknownSopError';
  readonly code = 'sop_unknown';
  readonly messageKey = 'case.rejected.unknown_sop';
}

export class UnknownCaseError extends Error {
  override readonly name = 'UnknownCaseError';
  readonly code = 'case_unknown';
  readonly messageKey = 'case.rejected.unknown_case';
}

export class SopVersionConflictError extends Error {
  override readonly name = 'SopVersionConflictError';
  readonly code = 'sop_version_conflict';
}

/** An upload names a version already in use: a shipped file's, or one that has been active. */
export class SopVersionTakenError extends Error {
  override readonly name = 'SopVersionTakenError';
  readonly code = 'sop_version_taken';
  readonly messageKey = 'admin.sop.version_taken';
  constructor(
    readonly sopId: string,
    readonly version: number,
    /** The lowest version the upload may take. */
    readonly next: number,
  ) {
    super(`SOP ${sopId} already has a version ${version}; use ${next}`);
  }
}
