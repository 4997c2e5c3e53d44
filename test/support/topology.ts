import { randomBytes } from 'node:crypto';
import { eventually } from './app.js';
import { freePort } from './own-servers.js';
import { type ServiceProcess, spawnService } from './service-process.js';

/** How many processes of each role; `{ all: 1 }` is the one-process service of `npm start`. */
export type Shape = { readonly web: number; readonly worker: number; readonly bot: number } | { readonly all: 1 };

export interface Topology {
  /** Processes serving HTTP (ROLE=web, or the one ROLE=all): their base URLs take the chats. */
  readonly webs: readonly ServiceProcess[];
  readonly workers: readonly ServiceProcess[];
  readonly bots: readonly ServiceProcess[];
  readonly all: readonly ServiceProcess[];
  /** SIGTERM to each; resolves with their exit codes, in the order of `all`. */
  stop(): Promise<Array<number | null>>;
}

/**
 * The service as processes of the given roles, all on one database and Redis (env carries
 * DATABASE_URL, REDIS_URL or REDIS_SENTINELS, REDIS_PREFIX…) and one APP_SECRET, started together;
 * resolves once each is up: /healthz for those serving HTTP, its "started" log line for the others.
 */
export async function startTopology(shape: Shape, env: Record<string, string>): Promise<Topology> {
  const secret = randomBytes(24).toString('hex');
  const roles: string[] =
    'all' in shape
      ? ['all']
      : [
          ...Array<string>(shape.web).fill('web'),
          ...Array<string>(shape.worker).fill('worker'),
          ...Array<string>(shape.bot).fill('bot'),
        ];
  const processes: Array<{ role: string; process: ServiceProcess }> = [];
  for (const role of roles) {
    processes.push({ role, process: spawnService(await freePort(), { APP_SECRET: secret, ...env, ROLE: role }) });
  }
  const all = processes.map((p) => p.process);
  const stop = async () => {
    for (const p of all) if (p.child.exitCode === null) p.child.kill('SIGTERM');
    return Promise.all(all.map((p) => p.exited));
  };
  try {
    await Promise.all(
      processes.map(({ role, process }) =>
        role === 'web' || role === 'all'
          ? process.healthy(90_000)
          : eventually(
              `the ${role} process to start`,
              async () => {
                if (process.child.exitCode !== null) {
                  throw new Error(
                    `the ${role} process exited ${process.child.exitCode}:\n${process.output().slice(-3000)}`,
                  );
                }
                return process.output().includes('"msg":"started"');
              },
              90_000,
            ),
      ),
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const of = (...wanted: string[]) => processes.filter((p) => wanted.includes(p.role)).map((p) => p.process);
  return { webs: of('web', 'all'), workers: of('worker'), bots: of('bot'), all, stop };
}
