/**
 * Whether a transaction whose COMMIT was sent and failed surely left nothing behind: Postgres
 * refused one of its statements (an SQLSTATE error other than a lost connection's or a
 * shutdown's). A connection lost on the way may have taken the COMMIT's answer with it, the
 * transaction committed after all: running its work again would do it twice.
 */
export function surelyRolledBack(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
      return !code.startsWith('08') && !code.startsWith('57P');
  }
  return false;
}
