import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import type { App } from '../app.js';
import { ping } from '../db/client.js';
import { LoginLimiter } from './admin/login-limiter.js';
import { consolePlugin } from './admin/plugin.js';
import { CONSOLE_SECTIONS } from './admin/sections.js';
import { ConsoleSessions } from './admin/sessions.js';
import { AttachmentStore } from './attachment-store.js';
import { WebChatHub } from './chat-hub.js';
import { chatRoutes, type InboundHandler } from './chat-routes.js';
import { ChatSessions } from './chat-session.js';
import { downloadRoutes, publicBaseUrl } from './download-links.js';
import { statusPageRoutes } from './status-page.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on the server, for tests that must cover them all. */
    siputRoutes: readonly RouteOptions[];
  }
}

export interface WebServer {
  readonly fastify: FastifyInstance;
  close(): Promise<void>;
}

export interface WebOptions {
  /** Where web chat messages go; default the app's conversation flows. Tests pass their own. */
  readonly handleInbound?: InboundHandler;
  /** Moves the clock that download links are checked against (tests). */
  readonly now?: () => Date;
}

/** Builds the HTTP server without listening, for fastify.inject in tests. */
export async function buildWeb(app: App, opts: WebOptions = {}): Promise<FastifyInstance> {
  const fastify = Fastify({ loggerInstance: app.log.child({ part: 'web' }) as FastifyBaseLogger });
  // Every route, as registered: the security tests walk this list rather than a hand-kept one.
  const routes: RouteOptions[] = [];
  fastify.addHook('onRoute', (route) => void routes.push(route));
  fastify.decorate('siputRoutes', routes);
  fastify.get('/healthz', async (_req, reply) => {
    await ping(app.database.db);
    const redis = await app.connection.ping();
    return reply.send({ ok: true, database: app.database.kind, redis: redis === 'PONG' });
  });

  // --- web chat and document downloads ------------------------------------------------------
  const { config, database, log } = app;
  await fastify.register(fastifyCookie);
  const hub = new WebChatHub({ subscriber: app.connection.duplicate(), prefix: app.prefix, log });
  await hub.start();
  fastify.addHook('onClose', () => hub.close());
  await fastify.register(chatRoutes, {
    db: database.db,
    hub,
    sessions: new ChatSessions(app.signer, config.PUBLIC_URL?.startsWith('https:') ?? false),
    signer: app.signer,
    attachments: new AttachmentStore({ db: database.db, dataDir: config.DATA_DIR }),
    handleInbound: opts.handleInbound ?? ((inbound) => app.flows.handle(inbound)),
    defaultZone: config.TZ_DEFAULT,
    publicUrl: publicBaseUrl(config),
  });
  await fastify.register(downloadRoutes, {
    documents: app.documents,
    links: app.downloadLinks,
    ...(opts.now ? { now: opts.now } : {}),
  });
  // --- public status page of a ticket (/status/<ticket>?k=<secret>), no session -----------------
  await fastify.register(statusPageRoutes, { db: database.db, sops: app.sops, defaultZone: config.TZ_DEFAULT });
  // --- end web chat ---------------------------------------------------------------------------

  await fastify.register(consolePlugin, {
    app,
    sessions: new ConsoleSessions(database.db),
    limiter: new LoginLimiter(app.connection, app.prefix),
    secureCookies: config.PUBLIC_URL?.startsWith('https:') ?? false,
    sections: CONSOLE_SECTIONS,
  });
  // Webhooks of the chat platforms (Telegram) are served by the web part.
  for (const adapter of app.adapters) await adapter.registerRoutes?.(fastify, app);
  fastify.get('/', async (_req, reply) => reply.redirect('/chat'));
  return fastify;
}

export async function startWeb(app: App, opts: WebOptions = {}): Promise<WebServer> {
  const fastify = await buildWeb(app, opts);
  await fastify.listen({ port: app.config.PORT, host: '0.0.0.0' });
  return { fastify, close: () => fastify.close() };
}
