import { randomBytes, timingSafeEqual } from 'node:crypto';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { recordAudit } from '../../db/index.js';
import { html } from '../../html.js';
import { isLanguage, type Language, t } from '../../i18n/index.js';
import { isConfirmedYear } from '../../sop/index.js';
import { serveAssets } from '../asset-versions.js';
import { checkCredentials, loginSubject } from './accounts.js';
import { CONSOLE_ASSETS } from './console-assets.js';
import type { ConsoleDeps } from './console-deps.js';
import { page } from './layout.js';
import type { LoginLimiter } from './login-limiter.js';
import { type ConsoleSessions, type ConsoleUser, SESSION_COOKIE } from './sessions.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A multipart route that checks the `_csrf` form field itself (csrfMatches) before reading a file. */
    csrfInForm?: boolean;
  }
  interface FastifyRequest {
    /** The signed-in console user; set on every /admin route but the public ones. */
    consoleUser: ConsoleUser | null;
    language: Language;
    /** For admins: next year, when its holiday list is not confirmed by an SKB yet (a console banner). */
    unconfirmedHolidayYear: number | null;
  }
}

export interface ConsoleOptions {
  readonly app: ConsoleDeps;
  readonly sessions: ConsoleSessions;
  readonly limiter: LoginLimiter;
  /** Mark cookies Secure (PUBLIC_URL is https). */
  readonly secureCookies: boolean;
  /** The console's sections, registered inside the signed-in scope. */
  readonly sections: readonly FastifyPluginAsync<SectionOptions>[];
}

export interface SectionOptions {
  readonly app: ConsoleDeps;
  readonly sessions: ConsoleSessions;
}

export const LANGUAGE_COOKIE = 'siput_lang';
/** Where Bull Board is mounted; its pages get their own content policy (it runs inline scripts). */
export const BOARD_PATH = '/admin/queues';

const CONSOLE_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
/** Bull Board's page needs its own inline script and styles; it is still never framed. */
const BOARD_POLICY = "object-src 'none'; form-action 'self'; frame-ancestors 'none'";

/** Routes anyone may open: the sign-in page, the stylesheet and scripts, the language switch, an official's one-time link. */
const PUBLIC = new Set([
  '/admin/login',
  '/admin/lang',
  '/admin/masuk/:token',
  ...Object.values(CONSOLE_ASSETS).map((a) => a.path),
]);
/** An official signed in through their chat sees only their own tasks, and opens the cases their role may. */
const OFFICIAL_ALLOWED = /^\/admin(\/(tasks|logout|cases\/new)(\/|$|\?)|\/?$|\?)/;

/**
 * /admin: sign-in, server-side sessions, CSRF on every change, read-only pimpinan, and the
 * sections. Every route registered under it is refused without a session unless listed in PUBLIC.
 */
export const consolePlugin: FastifyPluginAsync<ConsoleOptions> = async (fastify, opts) => {
  const { app, sessions, limiter } = opts;
  await fastify.register(formbody);
  fastify.decorateRequest('consoleUser', null);
  fastify.decorateRequest('language', 'id');
  fastify.decorateRequest('unconfirmedHolidayYear', null);

  fastify.addHook('onRequest', async (req, reply) => {
    const chosen = req.cookies[LANGUAGE_COOKIE];
    req.language = chosen && isLanguage(chosen) ? chosen : 'id';
    if (PUBLIC.has(req.routeOptions.url ?? '')) return;
    const user = await sessions.find(req.cookies[SESSION_COOKIE]);
    if (!user) {
      if (req.method === 'GET') return reply.redirect(`/admin/login?back=${encodeURIComponent(req.url)}`);
      return reply.code(401).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.forbidden'));
    }
    req.consoleUser = user;
    if (user.kind === 'account' && user.role === 'admin') {
      const next = new Date().getUTCFullYear() + 1;
      if (!isConfirmedYear(app.calendars.holidays, next)) req.unconfirmedHolidayYear = next;
    }
    if (user.kind === 'official' && !OFFICIAL_ALLOWED.test(req.url))
      return refuse(reply, req, 403, 'admin.error.forbidden');
  });

  // After the body is parsed: the CSRF token must come with every change, and pimpinan change nothing.
  fastify.addHook('preHandler', async (req, reply) => {
    const user = req.consoleUser;
    if (!user || req.method === 'GET' || req.method === 'HEAD') return;
    if (user.role === 'pimpinan' && req.routeOptions.url !== '/admin/logout')
      return refuse(reply, req, 403, 'admin.error.readonly');
    // A multipart upload's token is a form field read by its route before any file (never the
    // URL, which ends up in logs and the browser's history).
    if (req.routeOptions.config.csrfInForm && req.isMultipart()) return;
    const body = req.body as Record<string, unknown> | undefined;
    const sent = req.headers['x-csrf-token'] ?? (body && typeof body._csrf === 'string' ? body._csrf : undefined);
    if (!csrfMatches(user, sent)) return refuse(reply, req, 403, 'admin.error.csrf');
  });

  // Console pages load only their own stylesheet and scripts, and no other site may frame them
  // (a framed console could be clicked through by a hidden page: clickjacking).
  fastify.addHook('onSend', async (req, reply, payload) => {
    const board = req.url.startsWith(`${BOARD_PATH}/`) || req.url === BOARD_PATH;
    reply.header('content-security-policy', board ? BOARD_POLICY : CONSOLE_POLICY);
    reply.header('x-frame-options', 'DENY');
    // A page shown to a signed-in user may hold personal data: no cache keeps it unless its route says otherwise.
    if (req.consoleUser && !reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store');
    return payload;
  });

  serveAssets(fastify, Object.values(CONSOLE_ASSETS));

  fastify.get('/admin/lang', async (req, reply) => {
    const { to, back } = req.query as { to?: string; back?: string };
    reply.setCookie(LANGUAGE_COOKIE, to === 'en' ? 'en' : 'id', {
      path: '/',
      sameSite: 'lax',
      httpOnly: true,
      maxAge: 365 * 86400,
    });
    return reply.redirect(safeBack(back));
  });

  fastify.get('/admin/login', async (req, reply) =>
    reply.type('text/html; charset=utf-8').send(loginPage(req, null, issueLoginToken(reply, opts.secureCookies))),
  );

  fastify.post('/admin/login', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
    const back = text('back');
    const sent = (status: number, error: string, token: string) =>
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(loginPage(req, error, token, back));
    // The form's token must match its cookie: another site cannot sign a browser in to an account of its choosing.
    const token = req.cookies[LOGIN_COOKIE];
    if (!token || !sameToken(token, text('_csrf'))) {
      return sent(403, 'admin.login.expired', issueLoginToken(reply, opts.secureCookies));
    }
    const slowDown = await limiter.slowDownMs(req.ip);
    if (slowDown > 0) await new Promise((resolve) => setTimeout(resolve, slowDown));
    const subject = await loginSubject(app.database.db, text('username'));
    const wait = await limiter.waitMs(subject);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return sent(429, 'admin.login.blocked', token);
    }
    const account = await checkCredentials(app.database.db, text('username'), text('password'));
    if (!account) {
      await limiter.failed(subject, req.ip);
      return sent(401, 'admin.login.failed', token);
    }
    await limiter.succeeded(subject);
    reply.clearCookie(LOGIN_COOKIE, { path: '/admin/login' });
    const session = await sessions.open({ accountId: account.id });
    setSessionCookie(reply, session.token, session.expiresAt, opts.secureCookies);
    await recordAudit(app.database.db, { actor: `admin:${account.username}`, action: 'console.sign_in', ip: req.ip });
    return reply.redirect(safeBack(back));
  });

  fastify.post('/admin/logout', async (req, reply) => {
    await sessions.close(req.cookies[SESSION_COOKIE]);
    reply.clearCookie(SESSION_COOKIE, { path: '/admin' });
    return reply.redirect('/admin/login');
  });

  for (const section of opts.sections) await fastify.register(section, { app, sessions });
};

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/admin', httpOnly: true, sameSite: 'strict', secure, expires });
}

/** Whether a sent token is the session's CSRF token, compared in constant time. */
export function csrfMatches(user: ConsoleUser, sent: unknown): boolean {
  if (typeof sent !== 'string') return false;
  return sameToken(user.csrf, sent);
}

function refuse(reply: FastifyReply, req: FastifyRequest, code: number, key: string) {
  return reply.code(code).type('text/plain; charset=utf-8').send(t(req.language, key));
}

/** Only paths inside the console: an open redirect to another site would be a phishing aid. */
function safeBack(back: string | undefined): string {
  return back && /^\/admin(\/|$|\?)/.test(back) && !back.startsWith('//') ? back : '/admin';
}

/** The sign-in form's own CSRF token, before there is a session: a cookie the form must repeat. */
export const LOGIN_COOKIE = 'siput_login';

function issueLoginToken(reply: FastifyReply, secure: boolean): string {
  const token = randomBytes(24).toString('base64url');
  reply.setCookie(LOGIN_COOKIE, token, { path: '/admin/login', httpOnly: true, sameSite: 'strict', secure });
  return token;
}

function sameToken(a: string, b: string): boolean {
  const given = Buffer.from(b);
  const expected = Buffer.from(a);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function loginPage(req: FastifyRequest, error: string | null, token: string, sentBack?: string): string {
  const tr = (key: string) => t(req.language, key);
  const back = sentBack ?? (req.query as { back?: string }).back ?? '';
  return page({
    title: tr('admin.login.title'),
    language: req.language,
    user: null,
    path: '/admin/login',
    body: html`${error ? html`<p class="error" role="alert">${tr(error)}</p>` : ''}
<form method="post" action="/admin/login" class="login">
  <input type="hidden" name="_csrf" value="${token}">
  <input type="hidden" name="back" value="${back}">
  <label for="username">${tr('admin.login.username')}</label>
  <input id="username" name="username" autocomplete="username" required autofocus>
  <label for="password">${tr('admin.login.password')}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">${tr('admin.login.submit')}</button>
</form>`,
  });
}
