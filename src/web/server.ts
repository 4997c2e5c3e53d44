import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { App } from '../app.js';
import { ping } from '../db/client.js';

export interface WebServer {
  readonly fastify: FastifyInstance;
  close(): Promise<void>;
}

/** Builds the HTTP server without listening, for fastify.inject in tests. */
export async function buildWeb(app: App): Promise<FastifyInstance> {
  const fastify = Fastify({ loggerInstance: app.log.child({ part: 'web' }) as FastifyBaseLogger });
  fastify.get('/healthz', async (_req, reply) => {
    await ping(app.database.db);
    const redis = await app.connection.ping();
    return reply.send({ ok: true, database: app.database.kind, redis: redis === 'PONG' });
  });
  return fastify;
}

export async function startWeb(app: App): Promise<WebServer> {
  const fastify = await buildWeb(app);
  await fastify.listen({ port: app.config.PORT, host: '0.0.0.0' });
  return { fastify, close: () => fastify.close() };
}
