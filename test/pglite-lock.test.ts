import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { DatabaseBusyError } from '../src/db/errors.js';

describe('the embedded database folder', () => {
  it('refuses a second opener while the first holds it, and opens again once it is closed', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'siput-lock-'));
    const first = await openDatabase({ dataDir });
    // Same process, so fake another live owner: the pid of a process that is surely running.
    writeFileSync(join(dataDir, 'pglite', 'siput.lock'), String(process.ppid));
    await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DatabaseBusyError);
    await first.close();
    const again = await openDatabase({ dataDir });
    await again.close();
  });

  it('takes over a lock left by a process that died', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'siput-lock-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    mkdirSync(join(dataDir, 'pglite'), { recursive: true });
    writeFileSync(join(dataDir, 'pglite', 'siput.lock'), dead);
    const db = await openDatabase({ dataDir });
    await db.close();
  });
});
