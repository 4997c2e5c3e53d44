import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramAdapter, TelegramTokenError } from '../../src/bots/telegram/index.js';
import type { Database } from '../../src/db/client.js';
import { channelStates } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';
import { eventually, REDIS_URL, testApp, testConfig } from '../support/app.js';
import { freshDatabase } from '../support/postgres.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { TelegramPerson, telegramWorld } from './harness.js';

let emulator: TelegramEmulator;
let database: Database & { url: string };

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  database = await freshDatabase();
});

afterAll(async () => {
  await database?.close();
  await emulator?.close();
});

const wrongToken = () => `${emulator.bot.id}:AAwrong-token-${Date.now()}`;

describe('a wrong bot token', () => {
  it('stops start-up with a TelegramTokenError that names the setting, not the token', async () => {
    const token = wrongToken();
    const config = testConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot });
    const adapter = new TelegramAdapter(config, createLogger(config));
    const started = testApp(database, config, { adapters: [adapter], receive: true });
    await expect(started).rejects.toBeInstanceOf(TelegramTokenError);
    const err = (await started.catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(
      'Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather',
    );
    expect(err.message).not.toContain(token.split(':')[1]);
    const [state] = await database.db.select().from(channelStates).where(eq(channelStates.channel, 'telegram'));
    expect(state).toMatchObject({ state: 'stopped', lastError: '401: Unauthorized' });
  });

  it('makes `npm start` exit with that one line on stderr', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: {
          PATH: process.env.PATH,
          TELEGRAM_BOT_TOKEN: wrongToken(),
          TELEGRAM_API_ROOT: emulator.apiRoot,
          DATABASE_URL: database.url,
          REDIS_URL,
          DATA_DIR: mkdtempSync(join(tmpdir(), 'siput-')),
          LOG_LEVEL: 'silent',
          PORT: '39217',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      child.on('exit', (code) => resolve({ code, stderr }));
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather\n',
    );
  }, 60_000);
});

describe('a network outage', () => {
  it('does not stop start-up; the bot retries with growing delays, says so in channel_states, then polls', async () => {
    const world = await telegramWorld();
    try {
      world.emulator.down = true;
      const [before] = await world.database.db.select().from(channelStates);
      expect(before?.state).toBe('polling');
      await eventually('the outage to be reported', async () => {
        const [state] = await world.database.db.select().from(channelStates);
        return state?.state === 'reconnecting' && state.lastError;
      });
      const attempts = await world.emulator.until('four failed attempts', () => {
        const failed = world.emulator.calls.filter((c) => c.status === 0);
        return failed.length >= 4 ? failed : null;
      });
      const gaps = attempts.slice(1, 4).map((c, i) => c.at - (attempts[i]?.at ?? 0));
      expect(gaps[1]).toBeGreaterThan(gaps[0] ?? 0);
      expect(gaps[2]).toBeGreaterThan(gaps[1] ?? 0);

      world.emulator.down = false;
      await eventually('polling again', async () => {
        const [state] = await world.database.db.select().from(channelStates);
        return state?.state === 'polling' && state.lastError === null;
      });
      const back = new TelegramPerson(world, world.emulator.user(4242, 'Tono'));
      expect((await back.say('halo')).at(-1)?.text).toContain('Silakan pilih menu');
    } finally {
      await world.close();
    }
  });

  it('at start-up, lets the service start and connects when Telegram comes back', async () => {
    const down = await TelegramEmulator.start();
    down.down = true;
    const config = testConfig({ TELEGRAM_BOT_TOKEN: down.token, TELEGRAM_API_ROOT: down.apiRoot });
    const adapter = new TelegramAdapter(config, createLogger(config), { retryBaseMs: 100 });
    const app = await testApp(database, config, { adapters: [adapter], receive: true });
    try {
      const [state] = await database.db.select().from(channelStates);
      expect(state).toMatchObject({ state: 'reconnecting' });
      expect(state?.lastError).toMatch(/FetchError|socket hang up|ECONNRESET/);
      down.down = false;
      await eventually('the bot to connect', async () => {
        const [now] = await database.db.select().from(channelStates);
        return now?.state === 'polling';
      });
      const user = down.user(4343);
      const hello = down.sendText(user, 'halo');
      await eventually('the answer', async () => down.messagesIn(user.id).length > 0);
      expect(hello.update_id).toBeGreaterThan(0);
    } finally {
      await app.close();
      await down.close();
    }
  });
});
