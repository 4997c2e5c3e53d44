import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { withConnection } from '../../src/db/client.js';

/**
 * Servers of a test's own, for tests that stop, kill or flush them: the shared Postgres on 5432
 * and Redis on 6379 serve every test file at once and are never touched.
 */

const run = promisify(execFile);

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The newest installed PostgreSQL's programs (Debian: /usr/lib/postgresql/<major>/bin). */
function postgresBin(): string {
  const base = '/usr/lib/postgresql';
  const majors = readdirSync(base)
    .map(Number)
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => b - a);
  if (majors.length === 0) throw new Error(`no PostgreSQL under ${base}`);
  return join(base, String(majors[0]), 'bin');
}

/** A PostgreSQL cluster in a temporary folder, on a free port, trust auth for user `siput`. */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
    // initdb refuses to run as root: as root the cluster belongs to the postgres user.
    private readonly asUser: string | null,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const asUser = process.getuid?.() === 0 ? 'postgres' : null;
    const dir = mkdtempSync(join(tmpdir(), 'siput-pg-'));
    if (asUser) {
      const { stdout } = await run('id', ['-u', asUser]);
      const { stdout: gid } = await run('id', ['-g', asUser]);
      chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    const pg = new OwnPostgres(await freePort(), dir, postgresBin(), asUser);
    await pg.#ctl(['initdb', '-D', pg.data, '-U', 'siput', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await pg.startServer();
    return pg;
  }

  get data(): string {
    return join(this.dir, 'data');
  }

  /** postgres://… of a database on this server. */
  url(database = 'postgres'): string {
    return `postgres://siput@127.0.0.1:${this.port}/${database}`;
  }

  async createDatabase(name: string): Promise<string> {
    await withConnection(this.url(), (c) => c.query(`create database ${name}`));
    return this.url(name);
  }

  async startServer(): Promise<void> {
    // After a kill -9 the dead postmaster's backends may hold its shared memory a moment longer.
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#pgCtl(['start', '-w', '-t', '30']);
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await sleep(250);
      }
    }
  }

  /** `pg_ctl restart -m fast`: every connection is cut, the server is back when it returns. */
  async restartFast(): Promise<void> {
    await this.#pgCtl(['restart', '-m', 'fast', '-w', '-t', '30']);
  }

  /** SIGKILL to the postmaster, as a crash or the OOM killer would; `startServer` brings it back. */
  killPostmaster(): void {
    const pid = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGKILL');
  }

  /** `pg_ctl stop -m fast`: down until `startServer`. */
  async stopServer(): Promise<void> {
    await this.#pgCtl(['stop', '-m', 'fast', '-w']);
  }

  async stop(): Promise<void> {
    await this.#pgCtl(['stop', '-m', 'immediate', '-w']).catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }

  #pgCtl(args: string[]): Promise<unknown> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    return this.#ctl(['pg_ctl', '-D', this.data, '-l', join(this.dir, 'log'), '-o', options, ...args]);
  }

  #ctl([program, ...args]: string[]): Promise<unknown> {
    const path = join(this.bin, program as string);
    return this.asUser
      ? run('runuser', ['-u', this.asUser, '--', path, ...args], { cwd: this.dir })
      : run(path, args, { cwd: this.dir });
  }
}

/** A redis-server of the test's own, without persistence, on a free port. */
export class OwnRedis {
  #child: ChildProcess;

  private constructor(
    readonly port: number,
    child: ChildProcess,
  ) {
    this.#child = child;
  }

  static async start(): Promise<OwnRedis> {
    const port = await freePort();
    const redis = new OwnRedis(port, spawnRedis(port));
    await redis.#ready();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async answers(): Promise<boolean> {
    const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  /** Runs one command on a short-lived connection (FLUSHALL, KEYS…). */
  async command(name: string, ...args: string[]): Promise<unknown> {
    const client = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      return await client.call(name, ...args);
    } finally {
      client.disconnect();
    }
  }

  /** SIGSTOP: connections stay open and nothing answers, as with a hung server. */
  pause(): void {
    this.#child.kill('SIGSTOP');
  }

  resume(): void {
    this.#child.kill('SIGCONT');
  }

  /** SIGKILL; `startAgain` brings an empty one back on the same port. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.kill('SIGKILL');
    await exited;
  }

  async startAgain(): Promise<void> {
    this.#child = spawnRedis(this.port);
    await this.#ready();
  }

  async #ready(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      if (await this.answers()) return;
      await sleep(50);
    }
    this.#child.kill('SIGKILL');
    throw new Error('own redis-server did not start');
  }
}

function spawnRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
}
