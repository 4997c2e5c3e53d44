import { html, type SafeHtml } from '../../html.js';
import type { Language } from '../../i18n/index.js';
import { t } from '../../i18n/index.js';
import { FAVICON } from '../favicon.js';
import { CONSOLE_ASSETS } from './console-assets.js';
import type { ConsoleUser } from './sessions.js';

interface NavItem {
  readonly href: string;
  readonly key: string;
  /** Who sees it: accounts of these roles. */
  readonly roles: ReadonlyArray<ConsoleUser['role']>;
}

const NAV: readonly NavItem[] = [
  { href: '/admin', key: 'admin.nav.dashboard', roles: ['admin', 'pimpinan'] },
  { href: '/admin/tracking', key: 'admin.nav.tracking', roles: ['admin', 'pimpinan'] },
  { href: '/admin/cases/new', key: 'admin.nav.new_case', roles: ['admin', 'official'] },
  { href: '/admin/reports', key: 'admin.nav.reports', roles: ['admin', 'pimpinan'] },
  { href: '/admin/sop', key: 'admin.nav.sop', roles: ['admin', 'pimpinan'] },
  { href: '/admin/documents', key: 'admin.nav.documents', roles: ['admin'] },
  { href: '/admin/guestbook', key: 'admin.nav.guestbook', roles: ['admin'] },
  { href: '/admin/people', key: 'admin.nav.people', roles: ['admin'] },
  { href: '/admin/health', key: 'admin.nav.health', roles: ['admin'] },
  { href: '/admin/privacy', key: 'admin.nav.privacy', roles: ['admin'] },
  { href: '/admin/audit', key: 'admin.nav.audit', roles: ['admin'] },
  { href: '/admin/tasks', key: 'admin.nav.tasks', roles: ['official'] },
];

export interface PageOptions {
  readonly title: string;
  readonly language: Language;
  readonly user: ConsoleUser | null;
  /** The current path, to mark the menu item. */
  readonly path: string;
  readonly body: SafeHtml;
  /** Extra scripts served by the app itself (e.g. the chart library), never from a CDN. */
  readonly scripts?: readonly string[];
  /** A warning every page shows above its title (e.g. next year's holidays not confirmed). */
  readonly notice?: string | null;
}

/** Every console page: skip link, menu for the user's role, language switch, sign-out form with its CSRF token. */
export function page(opts: PageOptions): string {
  const tr = (key: string) => t(opts.language, key);
  const nav = opts.user
    ? NAV.filter((item) => item.roles.includes(opts.user?.role ?? 'official')).map(
        (item) =>
          html`<li><a href="${item.href}"${item.href === opts.path ? html` aria-current="page"` : ''}>${tr(item.key)}</a></li>`,
      )
    : [];
  return html`<!doctype html>
<html lang="${opts.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · ${tr('admin.title')}</title>
<link rel="icon" href="${FAVICON.url}" type="image/svg+xml">
<link rel="stylesheet" href="${CONSOLE_ASSETS.css.url}">
</head>
<body>
<a class="skip" href="#main">${tr('admin.skip')}</a>
<header class="top">
  <a class="brand" href="/admin">${tr('admin.title')}</a>
  ${
    opts.user
      ? html`<nav aria-label="Menu"><ul>${nav}</ul></nav>
  <div class="who">
    <span>${opts.user.name}</span>
    <a href="/admin/lang?to=${opts.language === 'id' ? 'en' : 'id'}&amp;back=${encodeURIComponent(opts.path)}">${tr('admin.language')}</a>
    <form method="post" action="/admin/logout"><input type="hidden" name="_csrf" value="${opts.user.csrf}"><button type="submit">${tr('admin.logout')}</button></form>
  </div>`
      : html`<a href="/admin/lang?to=${opts.language === 'id' ? 'en' : 'id'}&amp;back=${encodeURIComponent(opts.path)}">${tr('admin.language')}</a>`
  }
</header>
<main id="main" tabindex="-1">
${opts.notice ? html`<p class="warning" role="alert">${opts.notice}</p>` : ''}
<h1>${opts.title}</h1>
${opts.body}
</main>
${(opts.scripts ?? []).map((src) => html`<script src="${src}" defer></script>`)}
</body>
</html>`.value;
}

/** A hidden CSRF field for every form that changes something. */
export function csrfField(user: ConsoleUser): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${user.csrf}">`;
}
