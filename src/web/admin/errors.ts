// The errors of the console, in one place: each has a code; one a person reads has a message key.
export class AdminAccountError extends Error {
  override readonly name = 'AdminAccountError';
  constructor(
    readonly code: 'duplicate_username' | 'weak_password' | 'bad_username',
    message: string,
  ) {
    super(message);
  }
}
