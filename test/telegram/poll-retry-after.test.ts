import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/app.js';
import { type TelegramWorld, telegramWorld } from './harness.js';

let world: TelegramWorld;

beforeAll(async () => {
  world = await telegramWorld();
});

afterAll(async () => {
  await world?.close();
});

describe('getUpdates answered 429 with retry_after', () => {
  it('is asked again only after retry_after seconds, not after the shorter backoff', async () => {
    world.emulator.failNext('getUpdates', {
      code: 429,
      description: 'Too Many Requests: retry after 2',
      retryAfter: 2,
    });
    // Ends the poll in flight, so the next one meets the 429.
    world.emulator.sendText(world.emulator.user(7301, 'Citra'), '/menu');
    const polls = () => world.emulator.callsOf('getUpdates');
    const refused = await eventually('a poll to be refused', async () => polls().find((c) => c.status === 429));
    const next = await eventually('the poll after it', async () => polls().find((c) => c.at > refused.at));
    expect(next.at - refused.at).toBeGreaterThanOrEqual(2000);
    await eventually('the message to be answered', async () => world.emulator.messagesIn(7301).length > 0);
  });
});
