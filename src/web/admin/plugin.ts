import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../app.js';
import { recordAudit } from '../../db/audit.js';
import { isLanguage, type Language, t } from '../../i18n/catalog.js';
import { checkCredentials } from './accounts.js';
import { html } from './html.js';
import { page } from './layout.js';
import type { LoginLimiter } from './login-limiter.js';
import { type ConsoleSessions, type ConsoleUser, SESSION_COOKIE } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in console user; set on every /admin route but the public ones. */
    consoleUser: ConsoleUser | null;
    language: Language;
  }
}

export interface ConsoleOptions {
  readonly app: App;
  readonly sessions: ConsoleSessions;
  readonly limiter: LoginLimiter;
  /** Mark cookies Secure (PUBLIC_URL is https). */
  readonly secureCookies: boolean;
  /** The console's sections, registered inside the signed-in scope. */
  readonly sections: readonly FastifyPluginAsync<SectionOptions>[];
}

export interface SectionOptions {
  readonly app: App;
  readonly sessions: ConsoleSessions;
}

export const LANGUAGE_COOKIE = 'siput_lang';

/** Routes anyone may open: the sign-in page, the stylesheet, the language switch, an official's one-time link. */
const PUBLIC = new Set(['/admin/login', '/admin/lang', '/admin/static/admin.css', '/admin/masuk/:token']);
/** An official signed in through their chat sees only their own tasks. */
const OFFICIAL_ALLOWED = /^\/admin(\/(tasks|logout)(\/|$|\?)|\/?$|\?)/;

const css = fileURLToPath(new URL('./admin.css', import.meta.url));

/**
 * /admin: sign-in, server-side sessions, CSRF on every change, read-only pimpinan, and the
 * sections. Every route registered under it is refused without a session unless listed in PUBLIC.
 */
export const consolePlugin: FastifyPluginAsync<ConsoleOptions> = async (fastify, opts) => {
  const { app, sessions, limiter } = opts;
  await fastify.register(formbody);
  fastify.decorateRequest('consoleUser', null);
  fastify.decorateRequest('language', 'id');

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
    if (user.kind === 'official' && !OFFICIAL_ALLOWED.test(req.url))
      return refuse(reply, req, 403, 'admin.error.forbidden');
  });

  // After the body is parsed: the CSRF token must come with every change, and pimpinan change nothing.
  fastify.addHook('preHandler', async (req, reply) => {
    const user = req.consoleUser;
    if (!user || req.method === 'GET' || req.method === 'HEAD') return;
    const body = req.body as Record<string, unknown> | undefined;
    const sent =
      req.headers['x-csrf-token'] ??
      (body && typeof body._csrf === 'string' ? body._csrf : undefined) ??
      (req.query as Record<string, unknown>)._csrf;
    if (sent !== user.csrf) return refuse(reply, req, 403, 'admin.error.csrf');
    if (user.role === 'pimpinan' && req.routeOptions.url !== '/admin/logout')
      return refuse(reply, req, 403, 'admin.error.readonly');
  });

  fastify.get('/admin/static/admin.css', async (_req, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(await readFile(css, 'utf8')),
  );

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

  fastify.get('/admin/login', async (req, reply) => reply.type('text/html; charset=utf-8').send(loginPage(req, null)));

  fastify.post('/admin/login', async (req, reply) => {
    const { username = '', password = '', back } = (req.body ?? {}) as Record<string, string | undefined>;
    if (await limiter.blocked(username, req.ip)) {
      return reply.code(429).type('text/html; charset=utf-8').send(loginPage(req, 'admin.login.blocked'));
    }
    const account = await checkCredentials(app.database.db, username, password);
    if (!account) {
      await limiter.failed(username, req.ip);
      return reply.code(401).type('text/html; charset=utf-8').send(loginPage(req, 'admin.login.failed'));
    }
    await limiter.succeeded(username);
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

  fastify.get('/admin', async (req, reply) => {
    const user = req.consoleUser as ConsoleUser;
    if (user.kind === 'official') return reply.redirect('/admin/tasks');
    return reply.type('text/html; charset=utf-8').send(
      page({
        title: t(req.language, 'admin.nav.dashboard'),
        language: req.language,
        user,
        path: '/admin',
        body: html`<p>${t(req.language, 'admin.dashboard.intro')}</p>`,
      }),
    );
  });

  for (const section of opts.sections) await fastify.register(section, { app, sessions });
};

export function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/admin', httpOnly: true, sameSite: 'strict', secure, expires });
}

function refuse(reply: FastifyReply, req: FastifyRequest, code: number, key: string) {
  return reply.code(code).type('text/plain; charset=utf-8').send(t(req.language, key));
}

/** Only paths inside the console: an open redirect to another site would be a phishing aid. */
function safeBack(back: string | undefined): string {
  return back && /^\/admin(\/|$|\?)/.test(back) && !back.startsWith('//') ? back : '/admin';
}

function loginPage(req: FastifyRequest, error: string | null): string {
  const tr = (key: string) => t(req.language, key);
  const back = (req.query as { back?: string }).back ?? (req.body as { back?: string } | undefined)?.back ?? '';
  return page({
    title: tr('admin.login.title'),
    language: req.language,
    user: null,
    path: '/admin/login',
    body: html`${error ? html`<p class="error" role="alert">${tr(error)}</p>` : ''}
<form method="post" action="/admin/login" class="login">
  <input type="hidden" name="back" value="${back}">
  <label for="username">${tr('admin.login.username')}</label>
  <input id="username" name="username" autocomplete="username" required autofocus>
  <label for="password">${tr('admin.login.password')}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">${tr('admin.login.submit')}</button>
</form>`,
  });
}
