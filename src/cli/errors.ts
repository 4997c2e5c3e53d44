// The errors of the siput command line, in one place: each has a code; one a person reads has a message key.
/** A mistake of the person at the keyboard: shown as one line, without a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
}
