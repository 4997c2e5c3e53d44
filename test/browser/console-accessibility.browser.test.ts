import type { AddressInfo } from 'node:net';
import { eq, max } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { addOfficial } from '../../src/db/officials.js';
import { sopDefinitions } from '../../src/db/schema.js';
import { buildWeb } from '../../src/web/server.js';
import { testApp, testConfig } from '../support/app.js';
import { seriousViolations } from '../support/axe.js';
import { launchChromium } from '../support/browser.js';
import { signIn } from '../support/console.js';
import { freshDatabase } from '../support/postgres.js';
import { seedCases } from '../support/seed-cases.js';

const TICKET = 'SMS-2026-000301';
/** The seeded official and the complaint SOP's version, known once seeded. */
let officialId = '';
let sopVersion = '';
/**
 * Not pages of ours: files, exports, one-time links and the sign-out, and Bull Board under
 * /admin/queues (BullMQ's own dashboard, mounted as it ships). The sign-in page is checked on its own.
 */
const NOT_PAGES = /\/(static|masuk|logout|lang)(\/|$)|\.(csv|xlsx|pdf|js|css)$|\/files\/|\/export|^\/admin\/queues/;

let database: Database;
let app: App;
let web: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  database = await freshDatabase();
  app = await testApp(database, testConfig());
  web = await buildWeb(app);
  await web.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(web.server.address() as AddressInfo).port}`;
  officialId = await addOfficial(database.db, {
    nip: '198001012005011901',
    name: 'Dewi Lestari, S.Sos.',
    roleId: 'staf-pelaksana',
    unitId: 'ortala',
  });
  await seedCases(database.db, [
    { ticket: TICKET, openedAt: new Date(Date.now() - 86_400_000), assigneeId: officialId, dueAt: new Date() },
  ]);
  const [sop] = await database.db
    .select({ version: max(sopDefinitions.version) })
    .from(sopDefinitions)
    .where(eq(sopDefinitions.sopId, 'siput-sms'));
  sopVersion = String(sop?.version ?? 1);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await app?.close();
  await database?.close();
});

/** Every console page the server has: each GET route under /admin that answers with HTML. */
function consolePages(): string[] {
  const urls = new Set<string>();
  for (const route of web.siputRoutes) {
    const methods = [route.method].flat();
    if (!methods.includes('GET') || !route.url.startsWith('/admin') || NOT_PAGES.test(route.url)) continue;
    const filled = route.url.replace(/:(\w+)/g, (whole, name: string) => paramOf(route.url, name) ?? whole);
    if (!filled.includes(':')) urls.add(filled);
  }
  return [...urls].sort();
}

/** What a route's parameter stands for here: the seeded case, official, SOP version, or the default unit. */
function paramOf(url: string, name: string): string | undefined {
  if (name === 'ticket') return TICKET;
  if (name === 'version') return sopVersion;
  if (name !== 'id') return undefined;
  if (url.startsWith('/admin/sop/')) return 'siput-sms';
  if (url.startsWith('/admin/people/officials/')) return officialId;
  return 'ortala';
}

/** The violations found on each page that answers with HTML, and the pages that did. */
async function checkEach(
  context: BrowserContext,
  urls: readonly string[],
): Promise<{ found: string[]; visited: string[] }> {
  const page = await context.newPage();
  const found: string[] = [];
  const visited: string[] = [];
  for (const url of urls) {
    // Asked first without the browser: a route that answers with a file or a redirect is no page.
    const res = await context.request.get(`${base}${url}`, { maxRedirects: 0 });
    if (res.status() !== 200 || !res.headers()['content-type']?.startsWith('text/html')) continue;
    await page.goto(`${base}${url}`);
    visited.push(url);
    const violations = await seriousViolations(page);
    if (violations) found.push(violations);
  }
  await page.close();
  return { found, visited };
}

describe('every console page', () => {
  it('has no serious or critical axe-core violation, signed in as an admin and as a pimpinan', async () => {
    const urls = consolePages();
    // The route list is read from the server, so a page added later is checked without a change here.
    const seeded = [
      '/admin',
      '/admin/tracking',
      `/admin/cases/${TICKET}`,
      `/admin/people/officials/${officialId}`,
      '/admin/people/units/ortala',
      `/admin/sop/siput-sms/${sopVersion}`,
    ];
    for (const role of ['admin', 'pimpinan'] as const) {
      const { cookie } = await signIn(app, web, `akses-${role}`, role);
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'id-ID' });
      const [name, value] = cookie.split('=') as [string, string];
      await context.addCookies([{ name, value, url: base }]);
      const { found, visited } = await checkEach(context, urls);
      expect(found).toEqual([]);
      if (role === 'admin') expect(visited).toEqual(expect.arrayContaining(seeded));
      await context.close();
    }
    const anonymous = await browser.newContext({ locale: 'id-ID' });
    expect(await checkEach(anonymous, ['/admin/login'])).toEqual({ found: [], visited: ['/admin/login'] });
    await anonymous.close();
  }, 180_000);
});
