export type CaseErrorCode =
  | 'unknown_action'
  | 'not_assignee'
  | 'note_required'
  | 'attachment_required'
  | 'absence_not_allowed'
  | 'case_closed'
  | 'stale_step'
  | 'unknown_official'
  | 'reopen_closed'
  | 'not_closed'
  /** Asking for kelengkapan on a case with nobody to ask (no stakeholder, no other opener). */
  | 'no_reporter'
  | 'already_waiting'
  /** An answer to a request for kelengkapan on a case that asked for none. */
  | 'not_waiting'
  | 'not_reporter';

/**
 * An event the engine refused. The case is unchanged; `messageKey` names the text the person
 * is shown, `code` is for programs.
 */
export class CaseRejectedError extends Error {
  override readonly name = 'CaseRejectedError';
  readonly messageKey: string;
  constructor(
    readonly code: CaseErrorCode,
    message: string,
    readonly params: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.messageKey = `case.rejected.${code}`;
  }
}

/** A SOP file that cannot be used: names the file, the path inside it and the reason. */
export class SopDefinitionError extends Error {
  override readonly name = 'SopDefinitionError';
  readonly code = 'sop_invalid';
  constructor(
    readonly file: string,
    readonly issues: ReadonlyArray<{ path: string; reason: string }>,
  ) {
    super(issues.map((i) => `${file}: ${i.path || '(root)'}: ${i.reason}`).join('\n'));
  }
}

/** The caller loaded another SOP version than the one the case is pinned to: a bug, not user input. */
export class SopVersionMismatchError extends Error {
  override readonly name = 'SopVersionMismatchError';
  readonly code = 'sop_version_mismatch';
}

/** A holidays file that cannot be used; the service must not start with a wrong calendar. */
export class HolidaysFileError extends Error {
  override readonly name = 'HolidaysFileError';
  constructor(
    readonly file: string,
    readonly reasons: readonly string[],
  ) {
    super(reasons.map((reason) => `${file}: ${reason}`).join('\n'));
  }
}
