import type { FastifyInstance } from 'fastify';
import type { App } from '../../src/app.js';
import { addAdminAccount } from '../../src/web/admin/accounts.js';

export const PASSWORD = 'kata-sandi-uji-123';

/** Creates an account and signs it in; returns the session cookie and its CSRF token. */
export async function signIn(
  app: App,
  web: FastifyInstance,
  username: string,
  role: 'admin' | 'pimpinan' = 'admin',
): Promise<{ cookie: string; csrf: string }> {
  await addAdminAccount(app.database.db, { username, name: `Akun ${username}`, password: PASSWORD, role }).catch(
    (err: { code?: string }) => {
      if (err.code !== 'duplicate_username') throw err;
    },
  );
  const login = await postLogin(web, { username, password: PASSWORD });
  if (login.statusCode !== 302) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`);
  const session = login.cookies.find((c) => c.name === 'siput_admin');
  if (!session) throw new Error('no session cookie');
  const cookie = `siput_admin=${session.value}`;
  const dashboard = await web.inject({ method: 'GET', url: '/admin', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(dashboard.body)?.[1];
  if (!csrf) throw new Error('no CSRF token on the dashboard');
  return { cookie, csrf };
}

/**
 * Sends the sign-in form as a browser does: opens it first for its CSRF token and cookie.
 * `headers` add to the request (an X-Forwarded-For, say).
 */
export async function postLogin(
  web: FastifyInstance,
  fields: Readonly<Record<string, string>>,
  headers: Readonly<Record<string, string>> = {},
) {
  const form = await web.inject({ method: 'GET', url: '/admin/login', headers });
  const token = form.cookies.find((c) => c.name === 'siput_login')?.value;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  if (!token || !csrf) throw new Error('the sign-in form has no CSRF token');
  return web.inject({
    method: 'POST',
    url: '/admin/login',
    headers: { ...headers, cookie: `siput_login=${token}` },
    payload: { ...fields, _csrf: csrf },
  });
}
