import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, REDIS_URL } from './support/app.js';
import { freePort } from './support/own-servers.js';
import { freshDatabase } from './support/postgres.js';
import { spawnService } from './support/service-process.js';

/**
 * systemd (and a terminal's Ctrl-C) signal the whole process group. Under `npm start` a shell
 * between npm and node died of that SIGTERM, and npm reported it as exit 143 although node had
 * drained cleanly.
 */
let database: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database.close();
});

describe('npm start in a process group of its own', () => {
  it('drains and exits 0 when SIGTERM reaches the whole group', async () => {
    const service = spawnService(
      await freePort(),
      { DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: `siput-sig-${process.pid}` },
      { npm: true },
    );
    await service.healthy(90_000);
    await eventually('the ready line', async () => service.output().includes('SIPUT is running.'), 30_000);
    process.kill(-(service.child.pid as number), 'SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.output()).toContain('draining');
    expect(service.output()).toContain('drained');
  }, 120_000);

  it('a SIGTERM during start-up drains once started, and exits 0', async () => {
    const service = spawnService(
      await freePort(),
      { DATABASE_URL: database.url, REDIS_URL, REDIS_PREFIX: `siput-sig-${process.pid}` },
      { npm: true },
    );
    // node is up (it logs its first line) but the service is not ready yet.
    await eventually('node to start', async () => service.output().includes('"level"'), 90_000);
    process.kill(-(service.child.pid as number), 'SIGTERM');
    expect(await service.exited).toBe(0);
    expect(service.output()).toContain('drained');
  }, 120_000);
});
