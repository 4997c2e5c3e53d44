import { Queue } from 'bullmq';
import { and, eq, sql } from 'drizzle-orm';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSecret } from '../../src/bots/telegram/webhook.js';
import { inboundMessages } from '../../src/db/schema.js';
import {
  RELEASE_UPDATE_KEYS,
  RETENTION_QUEUE,
  releaseTelegramUpdateKeys,
  TELEGRAM_UPDATE_KEY_MS,
} from '../../src/jobs/retention-worker.js';
import { createLogger } from '../../src/log.js';
import { type TelegramWorld, telegramWorld } from './harness.js';

/**
 * Telegram keeps an update for a day and may deliver it again meanwhile; after a quiet week it
 * numbers updates from a random id, so an id seen long ago can come back as a new message.
 */
let world: TelegramWorld;
let fastify: FastifyInstance;
const log = createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' });

beforeAll(async () => {
  world = await telegramWorld({ TELEGRAM_WEBHOOK_URL: 'https://siput.example.go.id/telegram/webhook' });
  fastify = Fastify();
  await world.adapter.registerRoutes(fastify, world.app);
});

afterAll(async () => {
  await fastify?.close();
  await world?.close();
});

function update(updateId: number, userId: number, text: string) {
  const user = world.emulator.user(userId, 'Sari');
  return {
    update_id: updateId,
    message: {
      message_id: 1,
      date: Math.floor(Date.now() / 1000),
      chat: world.emulator.privateChat(user),
      from: user,
      text,
    },
  };
}

async function deliver(body: ReturnType<typeof update>): Promise<void> {
  const token = webhookSecret(world.app.signer, world.config.TELEGRAM_BOT_TOKEN ?? '');
  const res = await fastify.inject({
    method: 'POST',
    url: '/telegram/webhook',
    payload: body,
    headers: { 'x-telegram-bot-api-secret-token': token },
  });
  expect(res.statusCode).toBe(200);
}

const rowsOf = (userId: number) =>
  world.database.db
    .select({ key: inboundMessages.key, text: inboundMessages.text })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.channel, 'telegram'), eq(inboundMessages.address, String(userId))))
    .orderBy(inboundMessages.id);

/** Moves a person's messages back in time, as if they came `ms` ago. */
const age = (userId: number, ms: number) =>
  world.database.db
    .update(inboundMessages)
    .set({ receivedAt: sql`now() - ${`${ms} milliseconds`}::interval` })
    .where(eq(inboundMessages.address, String(userId)));

describe('Telegram update keys', () => {
  it('are kept while Telegram may redeliver, then released so a reused id is a new message', async () => {
    const key = (id: number) => `tg:${world.emulator.bot.id}:${id}`;
    await deliver(update(700_001, 8101, 'halo'));
    await deliver(update(700_002, 8102, 'halo'));
    await deliver(update(700_001, 8101, 'halo'));
    expect(await rowsOf(8101)).toEqual([{ key: key(700_001), text: 'halo' }]);

    await age(8101, TELEGRAM_UPDATE_KEY_MS + 3600_000);
    await age(8102, TELEGRAM_UPDATE_KEY_MS - 3600_000);
    expect(await releaseTelegramUpdateKeys(world.database.db, new Date(), log)).toBe(1);
    // The message stays on record; only its key is let go.
    expect(await rowsOf(8101)).toEqual([{ key: null, text: 'halo' }]);
    expect(await rowsOf(8102)).toEqual([{ key: key(700_002), text: 'halo' }]);

    // Telegram numbering again from an id it used long ago: a new message, processed.
    await deliver(update(700_001, 8101, '/status'));
    expect(await rowsOf(8101)).toEqual([
      { key: null, text: 'halo' },
      { key: key(700_001), text: '/status' },
    ]);
    // Within the window a redelivery is still the same update.
    await deliver(update(700_002, 8102, 'halo'));
    expect(await rowsOf(8102)).toHaveLength(1);
  });

  it('are released by an hourly job the workers schedule', async () => {
    const queue = new Queue(RETENTION_QUEUE, { connection: world.app.connection, prefix: world.app.prefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.find((s) => s.name === RELEASE_UPDATE_KEYS)?.every).toBe(3600_000);
    } finally {
      await queue.close();
    }
  });
});
