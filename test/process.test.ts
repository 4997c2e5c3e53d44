import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, REDIS_URL } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

const root = fileURLToPath(new URL('..', import.meta.url));
let database: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database.close();
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('the service process', () => {
  it('starts with npm start’s entry point, answers /healthz, and drains and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        DATABASE_URL: database.url,
        REDIS_URL,
        PORT: String(port),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'siput-proc-')),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const health = await eventually(
      'the service to answer',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
        return res?.ok ? ((await res.json()) as { database: string; redis: boolean }) : null;
      },
      30_000,
    );
    expect(health).toEqual({ ok: true, database: 'postgres', redis: true });
    // One plain line (not JSON) tells a first-time user where to go and how to get into the console.
    const ready = await eventually('the ready line', async () =>
      output.split('\n').find((line) => line.startsWith('SIPUT is running.')),
    );
    expect(ready).toContain(`Web chat: http://localhost:${port}/chat`);
    expect(ready).toContain(`Console: http://localhost:${port}/admin`);
    expect(ready).toContain('npm run siput -- admin add --username admin');
    const icon = await fetch(`http://127.0.0.1:${port}/favicon.ico`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('draining');
  });

  it('stops at start-up with one clear line when a setting is wrong', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe('Setting PORT is invalid: Invalid input: expected number, received NaN');
  });
});
