import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Update } from 'telegraf/types';
import type { Signer } from '../../signing.js';
import type { Outcome } from './receiver.js';

/** Telegram sends the secret_token given to setWebhook in this header on every request. */
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * The webhook's secret_token, derived from the service's secret and the bot's id (the token's
 * number): the same in every process and after every restart with no setting of its own, and a
 * different one for another bot. Telegram allows 1–256 characters of A–Z, a–z, 0–9, _ and -.
 */
export function webhookSecret(signer: Signer, botToken: string): string {
  const botId = botToken.slice(0, botToken.indexOf(':'));
  return signer.sign(`telegram-webhook:${botId}`, 32);
}

export interface WebhookRouteOptions {
  /** The path of TELEGRAM_WEBHOOK_URL. */
  readonly path: string;
  readonly secret: string;
  readonly handle: (update: Update) => Promise<Outcome>;
}

/**
 * POST <path>: one update from Telegram. A request without the right secret is refused before its
 * body is looked at. The update is answered once the flows have committed it (a few ms; replies
 * go out later through the outbox), well inside the ~60 s after which Telegram sends it again;
 * a failure answers 500 so that Telegram does send it again, and the flows dedupe the update_id.
 */
export async function registerWebhookRoute(fastify: FastifyInstance, opts: WebhookRouteOptions): Promise<void> {
  const expected = Buffer.from(opts.secret);
  const onRequest = async (req: FastifyRequest, reply: FastifyReply) => {
    const given = req.headers[SECRET_HEADER];
    const presented = Buffer.from(typeof given === 'string' ? given : '');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      return reply.code(401).send({ ok: false });
    }
  };
  fastify.post(opts.path, { bodyLimit: 1024 * 1024, onRequest }, async (req, reply) => {
    const update = req.body as Update | undefined;
    if (!update || typeof update !== 'object' || !Number.isSafeInteger(update.update_id)) {
      return reply.code(400).send({ ok: false });
    }
    const outcome = await opts.handle(update);
    return reply.code(outcome === 'done' ? 200 : 500).send({ ok: outcome === 'done' });
  });
}
