import { eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { adminAccounts, recordAudit } from '../../db/index.js';
import type { SafeHtml } from '../../html.js';
import { formatMoment, t } from '../../i18n/index.js';
import { zoneOf } from '../../sop/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { page } from './layout.js';
import type { ConsoleUser } from './sessions.js';

/** The signed-in user of a section route; the console's hook has refused the request otherwise. */
export function userOf(req: FastifyRequest): ConsoleUser {
  const user = req.consoleUser;
  if (!user) throw new Error('a console section was reached without a session');
  return user;
}

/** Admin accounts see everything; pimpinan and officials see no identity behind a rahasia report. */
export function isAdmin(user: ConsoleUser | null): user is ConsoleUser & { kind: 'account'; role: 'admin' } {
  return user?.kind === 'account' && user.role === 'admin';
}

/**
 * An onRequest hook for sections only admins may open, even to read: the console itself lets
 * pimpinan read every page, but documents, the buku tamu, people and queues are not theirs.
 */
export async function requireAdmin(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (isAdmin(req.consoleUser)) return;
  await reply.code(403).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.forbidden'));
}

/** Text in the request's language. */
export function trOf(req: FastifyRequest): (key: string, params?: Readonly<Record<string, string>>) => string {
  return (key, params) => t(req.language, key, params);
}

export interface SectionPage {
  readonly title: string;
  /** The menu item to mark. */
  readonly path: string;
  readonly body: SafeHtml;
  readonly status?: number;
}

/** Sends a console page with the menu of the signed-in user; never cached, since it may hold personal data. */
export function sendPage(req: FastifyRequest, reply: FastifyReply, opts: SectionPage): FastifyReply {
  return reply
    .code(opts.status ?? 200)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(
      page({
        title: opts.title,
        language: req.language,
        user: userOf(req),
        path: opts.path,
        body: opts.body,
        notice:
          req.unconfirmedHolidayYear === null
            ? null
            : t(req.language, 'admin.holidays.missing', { year: String(req.unconfirmedHolidayYear) }),
      }),
    );
}

/** The audit log's name for who did it: `admin:<username>` as at sign-in, or `official:<id>`. */
export async function actorOf(app: ConsoleDeps, user: ConsoleUser): Promise<string> {
  if (user.kind === 'official') return `official:${user.id}`;
  const [account] = await app.database.db
    .select({ username: adminAccounts.username })
    .from(adminAccounts)
    .where(eq(adminAccounts.id, user.id));
  return `admin:${account?.username ?? user.id}`;
}

/** Records a console action in the audit log, with who did it and from where. */
export async function audit(
  app: ConsoleDeps,
  req: FastifyRequest,
  action: string,
  target: string | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await recordAudit(app.database.db, {
    actor: await actorOf(app, userOf(req)),
    action,
    target,
    details,
    ip: req.ip,
  });
}

/** A moment as people read it, in the given zone (WIB when unset). */
export function when(at: Date | null | undefined, req: FastifyRequest, zone = 'WIB'): string {
  return at ? formatMoment(at, req.language, zoneOf(zone)) : '–';
}

/** UUIDs only: an id from a URL is never used as anything else (a path, a pattern). */
export const isUuid = (value: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** The value of a form field sent once; a repeated field or a file is not a string and counts as absent. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}
