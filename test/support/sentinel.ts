import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { eventually } from './app.js';
import { freePort } from './own-servers.js';

export const MASTER_NAME = 'mymaster';

/**
 * A master, a replica and one sentinel (quorum 1) of the test's own, on free ports in a temporary
 * folder: Debian's redis-server and redis-sentinel. `failover()` is SENTINEL FAILOVER.
 */
export class SentinelSet {
  readonly #children: ChildProcess[] = [];

  private constructor(
    readonly dir: string,
    readonly masterPort: number,
    readonly replicaPort: number,
    readonly sentinelPort: number,
  ) {}

  /** Debian's redis-sentinel is on PATH (`apt-get install -y redis-sentinel`; .ci/run installs it). */
  static installed(): boolean {
    return spawnSync('redis-sentinel', ['--version']).status === 0;
  }

  static async start(): Promise<SentinelSet> {
    if (!SentinelSet.installed()) {
      throw new Error('redis-sentinel is not installed; Debian: apt-get install -y redis-sentinel');
    }
    const dir = mkdtempSync(join(tmpdir(), 'siput-sentinel-'));
    const set = new SentinelSet(dir, await freePort(), await freePort(), await freePort());
    try {
      set.#server(set.masterPort);
      set.#server(set.replicaPort, ['--replicaof', '127.0.0.1', String(set.masterPort)]);
      // The sentinel rewrites its own file: it must be writable and its own.
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(
        conf,
        [
          `port ${set.sentinelPort}`,
          'bind 127.0.0.1',
          `dir ${dir}`,
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${set.masterPort} 1`,
          // Failovers here are asked for: a master slow to answer on a loaded machine is not one.
          `sentinel down-after-milliseconds ${MASTER_NAME} 60000`,
          `sentinel failover-timeout ${MASTER_NAME} 10000`,
          '',
        ].join('\n'),
      );
      set.#spawn('redis-sentinel', [conf]);
      await set.#replicaInSync(set.replicaPort);
    } catch (err) {
      await set.stop();
      throw err;
    }
    return set;
  }

  /** The REDIS_SENTINELS setting for this set. */
  get sentinels(): string {
    return `127.0.0.1:${this.sentinelPort}`;
  }

  /** One command to the sentinel. */
  sentinel(...args: string[]): Promise<unknown> {
    return this.#command(this.sentinelPort, args);
  }

  /** One command to the server on `port`. */
  server(port: number, ...args: string[]): Promise<unknown> {
    return this.#command(port, args);
  }

  /** The port the sentinel names as the master now. */
  async masterNow(): Promise<number> {
    const [, port] = (await this.sentinel('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME)) as string[];
    return Number(port);
  }

  /** The server that is not `port`: the replica while `port` is the master. */
  other(port: number): number {
    return port === this.masterPort ? this.replicaPort : this.masterPort;
  }

  /**
   * Promotes the replica (SENTINEL FAILOVER), whichever server it is now; resolves once the
   * sentinel names it the master.
   */
  async failover(): Promise<void> {
    const replica = this.other(await this.masterNow());
    await this.#replicaInSync(replica);
    await this.sentinel('SENTINEL', 'FAILOVER', MASTER_NAME);
    await eventually('the replica to be promoted', async () => (await this.masterNow()) === replica, 30_000);
  }

  /** A failover needs a replica the sentinel knows and finds in sync. */
  async #replicaInSync(port: number): Promise<void> {
    await eventually(
      'the sentinel to see the replica in sync',
      async () => {
        const replicas = (await this.sentinel('SENTINEL', 'REPLICAS', MASTER_NAME).catch(() => [])) as string[][];
        return replicas.some((r) => {
          const fields = new Map<string, string>();
          for (let i = 0; i + 1 < r.length; i += 2) fields.set(r[i] ?? '', r[i + 1] ?? '');
          return fields.get('port') === String(port) && fields.get('master-link-status') === 'ok';
        });
      },
      30_000,
    );
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.#children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(this.dir, { recursive: true, force: true });
  }

  #server(port: number, extra: string[] = []): void {
    this.#spawn('redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      this.dir,
      '--dbfilename',
      `dump-${port}.rdb`,
      ...extra,
    ]);
  }

  #spawn(program: string, args: string[]): void {
    const child = spawn(program, args, { stdio: 'ignore' });
    // Not started (no such program): the waits in start() fail with what they waited for.
    child.on('error', () => {});
    this.#children.push(child);
  }

  async #command(port: number, [name, ...args]: string[]): Promise<unknown> {
    const client = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 1, lazyConnect: true });
    client.on('error', () => {});
    try {
      await client.connect();
      return await client.call(name ?? 'PING', ...args);
    } finally {
      client.disconnect();
    }
  }
}
