import { eq } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSecret } from '../../src/bots/telegram/webhook.js';
import { channelStates, inboundMessages } from '../../src/db/schema.js';
import { settled, type TelegramWorld, telegramWorld } from './harness.js';

const WEBHOOK_URL = 'https://siput.example.go.id/telegram/webhook';
let world: TelegramWorld;
let fastify: FastifyInstance;
let nextUpdateId = 500_000;

beforeAll(async () => {
  world = await telegramWorld({ TELEGRAM_WEBHOOK_URL: WEBHOOK_URL });
  fastify = Fastify();
  await world.adapter.registerRoutes(fastify, world.app);
});

afterAll(async () => {
  await fastify?.close();
  await world?.close();
});

const secret = () => webhookSecret(world.app.signer, world.config.TELEGRAM_BOT_TOKEN ?? '');

function update(text: string, userId = 6001) {
  const user = world.emulator.user(userId, 'Dewi');
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: world.emulator.privateChat(user),
      from: user,
      text,
    },
  };
}

// The secret is random per service secret: replacing its last character with a fixed one would leave it
// unchanged whenever it already ends in that character.
const tamperedLastCharacter = (token: string) => `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`;

const post = (body: unknown, token?: string) =>
  fastify.inject({
    method: 'POST',
    url: '/telegram/webhook',
    payload: body as object,
    headers: token === undefined ? {} : { 'x-telegram-bot-api-secret-token': token },
  });

const handled = async (updateId: number) =>
  world.database.db
    .select()
    .from(inboundMessages)
    .where(eq(inboundMessages.key, `tg:${world.emulator.bot.id}:${updateId}`));

describe('the bot in webhook mode', () => {
  it('sets the webhook at start with a secret derived from the service secret, and does not poll', async () => {
    const [set] = world.emulator.callsOf('setWebhook');
    expect(set?.payload).toMatchObject({ url: WEBHOOK_URL, secret_token: secret() });
    expect(secret()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(world.emulator.callsOf('getUpdates')).toEqual([]);
    const [state] = await world.database.db.select().from(channelStates).where(eq(channelStates.channel, 'telegram'));
    expect(state).toMatchObject({ state: 'webhook', detail: '@siput_test_bot at siput.example.go.id' });
  });

  it('refuses a request without the right secret, before the update reaches the flows', async () => {
    const wrong = update('halo');
    expect((await post(wrong, 'not-the-secret')).statusCode).toBe(401);
    expect((await post(wrong)).statusCode).toBe(401);
    expect((await post(wrong, tamperedLastCharacter(secret()))).statusCode).toBe(401);
    expect(await handled(wrong.update_id)).toEqual([]);
  });

  it('hands an update with the right secret to the flows, whose answer goes out through the outbox', async () => {
    const right = update('halo', 6002);
    const response = await post(right, secret());
    expect(response.statusCode).toBe(200);
    expect(await handled(right.update_id)).toHaveLength(1);
    await settled(world, right.update_id, '6002');
    expect(world.emulator.messagesIn(6002).at(-1)?.text).toContain('Silakan pilih menu');
  });

  it('acts once on an update delivered twice at the same time', async () => {
    const twice = update('halo', 6003);
    const [a, b] = await Promise.all([post(twice, secret()), post(twice, secret())]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    await settled(world, twice.update_id, '6003');
    expect(await handled(twice.update_id)).toHaveLength(1);
    expect(world.emulator.messagesIn(6003)).toHaveLength(1);
  });

  it('answers 400 to a body that is not an update', async () => {
    expect((await post({ hello: 'world' }, secret())).statusCode).toBe(400);
  });
});
