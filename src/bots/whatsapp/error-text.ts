/**
 * An error's message fit for the log. A failed query's message (drizzle's DrizzleQueryError)
 * carries the query's parameters: messages people wrote, phone numbers, signal keys. Only the
 * database's own reason, its cause, is kept.
 */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (!err.message.startsWith('Failed query:')) return err.message;
  return err.cause instanceof Error ? err.cause.message : 'database query failed';
}
