import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { TelegramAdapter } from '../../src/bots/telegram/index.js';
import { createLogger } from '../../src/log.js';
import { eventually, testApp, testConfig } from '../support/app.js';
import { TelegramEmulator } from '../support/telegram-emulator.js';
import { type TelegramWorld, telegramWorld } from './harness.js';

let world: TelegramWorld;
let second: TelegramEmulator;
let secondApp: App;

beforeAll(async () => {
  world = await telegramWorld();
  second = await TelegramEmulator.start();
  const config = testConfig({ TELEGRAM_BOT_TOKEN: second.token, TELEGRAM_API_ROOT: second.apiRoot });
  const adapter = new TelegramAdapter(config, createLogger(config), { retryBaseMs: 100 });
  secondApp = await testApp(world.database, config, { adapters: [adapter], receive: true, retryDelayMs: 200 });
});

afterAll(async () => {
  await secondApp?.close();
  await second?.close();
  await world?.close();
});

describe('a second bot on the same database', () => {
  it('answers an update whose id the first bot has already had', async () => {
    const first = world.emulator.sendText(world.emulator.user(7101, 'Ani'), '/menu');
    await eventually('the first bot to answer', async () => world.emulator.messagesIn(7101).length > 0);
    const same = second.sendText(second.user(7102, 'Budi'), '/menu');
    expect(same.update_id).toBe(first.update_id);
    await eventually('the second bot to answer the same update id', async () => second.messagesIn(7102).length > 0);
    expect(second.messagesIn(7102)[0]?.text).toContain('Silakan pilih menu');
  });
});
