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
  const login = await web.inject({ method: 'POST', url: '/admin/login', payload: { username, password: PASSWORD } });
  if (login.statusCode !== 302) throw new Error(`sign-in failed: ${login.statusCode} ${login.body}`);
  const session = login.cookies.find((c) => c.name === 'siput_admin');
  if (!session) throw new Error('no session cookie');
  const cookie = `siput_admin=${session.value}`;
  const dashboard = await web.inject({ method: 'GET', url: '/admin', headers: { cookie } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(dashboard.body)?.[1];
  if (!csrf) throw new Error('no CSRF token on the dashboard');
  return { cookie, csrf };
}
