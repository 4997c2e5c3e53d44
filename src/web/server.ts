import fastifyCompress from '@fastify/compress';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import type { Config } from '../config.js';
import { AttachmentStore } from '../files/index.js';
import { RateWindow } from '../limits/index.js';
import { LoginLimiter, type LoginLimits } from './admin/login-limiter.js';
import { consolePlugin } from './admin/plugin.js';
import { CONSOLE_SECTIONS } from './admin/sections.js';
import { ConsoleSessions } from './admin/sessions.js';
import { IMMUTABLE } from './asset-versions.js';
import { attachmentDownloadRoutes } from './attachment-downloads.js';
import { WebChatHub } from './chat-hub.js';
import { chatRoutes, type InboundHandler } from './chat-routes.js';
import { ChatSessions } from './chat-session.js';
import { downloadRoutes, publicBaseUrl } from './download-links.js';
import { emailStopRoutes } from './email-stop.js';
import { FAVICON } from './favicon.js';
import { outputRoutes } from './output-links.js';
import { probeRoutes } from './probes.js';
import { requestSerializer } from './request-log.js';
import { statusAnswerRoutes } from './status-answer.js';
import { statusPageRoutes } from './status-page.js';
import { unitLogoRoutes } from './unit-logos.js';
import type { WebDeps } from './web-deps.js';

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
  /** Other sign-in limits than the defaults (tests reach them in a few attempts). */
  readonly loginLimits?: LoginLimits;
}

const MB = 1024 * 1024;
const UPLOAD_WINDOW_MS = 6 * 3600_000;

/** Builds the HTTP server without listening, for fastify.inject in tests. */
export async function buildWeb(app: WebDeps, opts: WebOptions = {}): Promise<FastifyInstance> {
  const fastify = Fastify({
    trustProxy: trustProxyOf(app.config.TRUST_PROXY),
    loggerInstance: app.log.child({ part: 'web' }, { serializers: { req: requestSerializer } }) as FastifyBaseLogger,
  });
  // Every route, as registered: the security tests walk this list rather than a hand-kept one.
  const routes: RouteOptions[] = [];
  fastify.addHook('onRoute', (route) => void routes.push(route));
  fastify.decorate('siputRoutes', routes);
  // Pages and assets go out brotli- or gzip-compressed to browsers that ask (not the event stream,
  // whose type it leaves alone). Compressed request bodies are refused (415), never inflated.
  await fastify.register(fastifyCompress, { encodings: ['br', 'gzip'], requestEncodings: ['identity'] });
  await fastify.register(probeRoutes, { database: app.database, redis: app.connection });

  // --- web chat and document downloads ------------------------------------------------------
  const { config, database, log } = app;
  await fastify.register(fastifyCookie);
  const hub = new WebChatHub({
    subscriber: app.connection.duplicate(),
    prefix: app.prefix,
    log,
    presence: app.connection,
  });
  await hub.start();
  fastify.addHook('onClose', () => hub.close());
  await fastify.register(chatRoutes, {
    db: database.db,
    hub,
    sessions: new ChatSessions(app.signer, config.PUBLIC_URL?.startsWith('https:') ?? false),
    signer: app.signer,
    unitId: config.DEFAULT_UNIT,
    attachments: new AttachmentStore({
      db: database.db,
      dataDir: config.DATA_DIR,
      minFreeBytes: config.UPLOAD_MIN_FREE_MB * MB,
    }),
    messageLimits: {
      chat: new RateWindow(app.connection, app.prefix, {
        name: 'web-chat',
        max: config.CHAT_MESSAGES_PER_MINUTE,
        windowMs: 60_000,
      }),
      address: new RateWindow(app.connection, app.prefix, {
        name: 'web-address',
        max: config.CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS,
        windowMs: 60_000,
      }),
    },
    uploadQuotas: {
      chat: new RateWindow(app.connection, app.prefix, {
        name: 'upload-chat',
        max: config.UPLOAD_QUOTA_MB * MB,
        windowMs: UPLOAD_WINDOW_MS,
      }),
      address: new RateWindow(app.connection, app.prefix, {
        name: 'upload-address',
        max: config.UPLOAD_QUOTA_MB_PER_ADDRESS * MB,
        windowMs: UPLOAD_WINDOW_MS,
      }),
    },
    handleInbound: opts.handleInbound ?? ((inbound) => app.flows.handle(inbound)),
    defaultZone: config.TZ_DEFAULT,
    publicUrl: publicBaseUrl(config),
    attachmentLinks: app.attachmentLinks,
  });
  await fastify.register(attachmentDownloadRoutes, {
    db: database.db,
    files: new AttachmentStore({ db: database.db, dataDir: config.DATA_DIR }),
    links: app.attachmentLinks,
    ...(opts.now ? { now: opts.now } : {}),
  });
  await fastify.register(downloadRoutes, {
    documents: app.documents,
    links: app.downloadLinks,
    ...(opts.now ? { now: opts.now } : {}),
  });
  // --- public status page of a ticket (/status/<ticket>?k=<secret>), no session -----------------
  await fastify.register(statusPageRoutes, {
    db: database.db,
    sops: app.sops,
    defaultZone: config.TZ_DEFAULT,
    signer: app.signer,
    cases: app.cases,
    survey: app.survey,
    ...(opts.now ? { now: opts.now } : {}),
  });
  await fastify.register(unitLogoRoutes, { db: database.db, dataDir: config.DATA_DIR });
  // A reporter answers a request for kelengkapan there, from the link in their email.
  await fastify.register(statusAnswerRoutes, {
    db: database.db,
    cases: app.cases,
    attachments: new AttachmentStore({
      db: database.db,
      dataDir: config.DATA_DIR,
      minFreeBytes: config.UPLOAD_MIN_FREE_MB * MB,
    }),
    defaultZone: config.TZ_DEFAULT,
  });
  await fastify.register(emailStopRoutes, { db: database.db, signer: app.signer });
  await fastify.register(outputRoutes, {
    db: database.db,
    signer: app.signer,
    dataDir: config.DATA_DIR,
    ...(opts.now ? { now: opts.now } : {}),
  });
  // --- end web chat ---------------------------------------------------------------------------

  await fastify.register(consolePlugin, {
    app,
    sessions: new ConsoleSessions(database.db),
    limiter: new LoginLimiter(app.connection, app.prefix, opts.loginLimits),
    secureCookies: config.PUBLIC_URL?.startsWith('https:') ?? false,
    sections: CONSOLE_SECTIONS,
  });
  // Webhooks of the chat platforms (Telegram) are served by the web part.
  for (const adapter of app.adapters) await adapter.registerRoutes?.(fastify, app);
  fastify.get('/', async (_req, reply) => reply.redirect('/chat'));
  // Browsers ask for /favicon.ico on every page whatever the page links: answer it, not a 404.
  // Pages link the icon at its versioned URL, kept for good; the bare paths are checked again weekly.
  for (const path of ['/favicon.ico', '/favicon.svg']) {
    fastify.get(path, async (req, reply) =>
      reply
        .type(FAVICON.type)
        .header(
          'cache-control',
          (req.query as { v?: string }).v === FAVICON.version ? IMMUTABLE : 'public, max-age=604800',
        )
        .send(FAVICON.body),
    );
  }
  return fastify;
}

/** fastify takes a hop count too, but its types do not say so: the same rule as a function. */
function trustProxyOf(
  setting: Config['TRUST_PROXY'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof setting === 'number' ? (_address, hop) => hop < setting : setting;
}

export async function startWeb(app: WebDeps, opts: WebOptions = {}): Promise<WebServer> {
  const fastify = await buildWeb(app, opts);
  await fastify.listen({ port: app.config.PORT, host: '0.0.0.0' });
  return { fastify, close: () => fastify.close() };
}
