// The errors of src/db (the database and the officials directory), in one place: each has a code; one a person reads has a message key.
export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  constructor(
    readonly code: 'unknown_unit' | 'unknown_superior' | 'duplicate_nip',
    message: string,
  ) {
    super(message);
  }
}

export class DatabaseBusyError extends Error {
  override readonly name = 'DatabaseBusyError';
  readonly code = 'database_busy';
}
