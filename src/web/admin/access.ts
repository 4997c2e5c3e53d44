import type { ConsoleUser } from './sessions.js';

/** Admin accounts see everything; pimpinan and officials see no identity behind a rahasia report. */
export function isAdmin(user: ConsoleUser | null): user is ConsoleUser & { kind: 'account'; role: 'admin' } {
  return user?.kind === 'account' && user.role === 'admin';
}
