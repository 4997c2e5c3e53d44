import { adminAccounts } from '../db/index.js';
import { publicBaseUrl } from './download-links.js';
import type { WebDeps } from './web-deps.js';

/**
 * The one plain line `npm start` ends its start-up with (the rest of the log is JSON): where the
 * chat and the console are and, while the console has no account yet, how to make the first one.
 */
export async function readyLine(app: Pick<WebDeps, 'config' | 'database'>): Promise<string> {
  const base = publicBaseUrl(app.config);
  const [account] = await app.database.db.select({ id: adminAccounts.id }).from(adminAccounts).limit(1);
  const command = `echo 'a-long-password' | npm run siput -- admin add --username admin --name "Your Name" --role admin --password-stdin`;
  // PGlite serves one process at a time: the CLI can only open it while the service is stopped.
  const when = app.database.kind === 'pglite' ? 'stop the service, run' : 'run';
  const first = account ? '' : ` No console account yet: ${when} ${command}`;
  return `SIPUT is running. Web chat: ${base}/chat  Console: ${base}/admin.${first}`;
}
