import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { and, eq } from 'drizzle-orm';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Db } from '../db/index.js';
import { channelLinks, conversations, linkChannel, units } from '../db/index.js';
import type { AttachmentStore } from '../files/index.js';
import { FileRejectedError } from '../files/index.js';
import type { Inbound } from '../flows/index.js';
import { escapeHtml } from '../html.js';
import { isLanguage, type Language, t } from '../i18n/index.js';
import type { RateVerdict, RateWindow } from '../limits/index.js';
import type { AttachmentLinks } from '../links/index.js';
import type { OutgoingMessage } from '../outbox/index.js';
import type { Signer } from '../signing.js';
import { asset, serveAssets, VersionedFolder } from './asset-versions.js';
import { chatHistory } from './chat-history.js';
import type { WebChatHub } from './chat-hub.js';
import { chatMessageKey } from './chat-message-key.js';
import { CHAT_COOKIE, type ChatSessions } from './chat-session.js';
import { FAVICON } from './favicon.js';
import { unitLogoUrl } from './unit-logos.js';

/** Hands a person's message to the conversation flows; the flows drop a key they have seen. */
export type InboundHandler = (inbound: Inbound) => Promise<{ duplicate: boolean }>;

export interface ChatRoutesOptions {
  readonly db: Db;
  readonly hub: WebChatHub;
  readonly sessions: ChatSessions;
  /** Renders the history's buttons as the outbox worker did when it sent them. */
  readonly signer: Signer;
  readonly attachments: AttachmentStore;
  readonly handleInbound: InboundHandler;
  /** Time zone for times in rendered messages (TZ_DEFAULT). */
  readonly defaultZone: string;
  /** The unit whose name heads the page (DEFAULT_UNIT): people see whose service they are talking to. */
  readonly unitId: string;
  /** Where people reach the service (publicBaseUrl), for links in the history's messages. */
  readonly publicUrl?: string;
  /** Messages allowed per chat and per address; past them the page is asked to slow down. */
  readonly messageLimits: { readonly chat: RateWindow; readonly address: RateWindow };
  /** Upload bytes allowed per chat and per address in a window. */
  readonly uploadQuotas: { readonly chat: RateWindow; readonly address: RateWindow };
  /** Open event streams per chat and per address in this process; default 5 and 50. */
  readonly maxStreams?: { readonly chat: number; readonly address: number };
  /** Signs the links to a case's files in an official's step messages shown again in the history. */
  readonly attachmentLinks?: AttachmentLinks;
  /**
   * Gap between SSE heartbeats; default 25 s, under the 30–60 s after which proxies and mobile
   * networks drop a silent connection.
   */
  readonly heartbeatMs?: number;
}

export const TEXT_MAX = 4000;

const sendBody = z.object({
  id: z.uuid(),
  text: z.string().max(TEXT_MAX).optional(),
  choice: z.string().min(1).max(200).optional(),
  attachmentId: z.uuid().optional(),
});

const publicDir = fileURLToPath(new URL('./public/', import.meta.url));
/** Where the page shows the unit's name. */
const UNIT_MARK = /<!--unit-->[^<]*/g;
/** The logo beside the unit's name: the service's emblem, which a unit's own logo may replace. */
const LOGO = asset('/chat/logo', 'image/svg+xml', FAVICON.body);

// No inline script or style, nothing from elsewhere; any site may frame the page to embed the chat.
const PAGE_POLICY =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors *";

/**
 * The built-in web chat: the page, and the API it talks to. Each browser is one chat on channel
 * `web`, known by its signed session cookie; replies reach it over server-sent events.
 */
export const chatRoutes: FastifyPluginAsync<ChatRoutesOptions> = async (fastify, opts) => {
  const { db, sessions } = opts;
  await fastify.register(fastifyMultipart, {
    limits: { fileSize: opts.attachments.maxBytes, files: 1, fields: 0, parts: 1 },
  });
  await fastify.register(fastifyStatic, { root: publicDir, prefix: '/chat/static/', index: false });
  // The page links its script and stylesheet by their content's version, so browsers keep those for good.
  const assets = new VersionedFolder('/chat/static/', publicDir);
  const chatPage = assets
    .link(readFileSync(join(publicDir, 'chat.html'), 'utf8'), FAVICON)
    .replace('src="/chat/logo"', `src="${LOGO.url}"`);
  serveAssets(fastify, [LOGO]);
  fastify.addHook('onSend', async (req, reply, payload) => {
    const cache = assets.cacheControl(req);
    if (cache && reply.statusCode === 200) reply.header('cache-control', cache);
    return payload;
  });

  // Set as a plain header rather than with reply.setCookie, which only writes it in onSend: the
  // event stream takes the response over before that hook would run.
  const startSession = (reply: FastifyReply): string => {
    const fresh = sessions.issue();
    reply.header('set-cookie', fastify.serializeCookie(CHAT_COOKIE, fresh.value, sessions.cookieOptions));
    return fresh.address;
  };

  /** The chat of this browser; a missing or forged cookie starts a new one. */
  const sessionOf = (req: FastifyRequest, reply: FastifyReply): string =>
    sessions.read(req.cookies[CHAT_COOKIE]) ?? startSession(reply);

  const languageOf = async (address: string | undefined): Promise<Language> => {
    if (!address) return 'id';
    const [row] = await db
      .select({ language: conversations.language })
      .from(conversations)
      .where(and(eq(conversations.channel, 'web'), eq(conversations.address, address)));
    return row && isLanguage(row.language) ? row.language : 'id';
  };

  const refuse = async (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    code: string,
    params: Record<string, string> = {},
    messageKey = `web.${code}`,
  ) => {
    const language = await languageOf(sessions.read(req.cookies[CHAT_COOKIE]));
    return reply.code(status).send({ error: code, message: t(language, messageKey, params) });
  };

  fastify.setErrorHandler(async (err: FastifyError, req, reply) => {
    if (err instanceof FileRejectedError)
      return refuse(req, reply, err.statusCode, err.code, err.params, err.messageKey);
    if (err instanceof fastify.multipartErrors.RequestFileTooLargeError) {
      return refuse(
        req,
        reply,
        413,
        'file_too_large',
        { max: `${opts.attachments.maxBytes / 1024 / 1024} MB` },
        'files.file_too_large',
      );
    }
    if (err.statusCode && err.statusCode < 500) return refuse(req, reply, err.statusCode, 'invalid_message');
    req.log.error({ err: err.message, code: err.code }, 'web chat request failed');
    return refuse(req, reply, 500, 'internal');
  });

  // Only the chat's own page may post: another site's form or script cannot reset a visitor's
  // chat or write into it. Browsers send Origin (or Sec-Fetch-Site) with every such request.
  fastify.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST' || !fromElsewhere(req, opts.publicUrl)) return;
    return refuse(req, reply, 403, 'cross_site');
  });

  fastify.get('/chat', async (req, reply) => {
    sessionOf(req, reply);
    const [unit] = await db.select({ name: units.name, logo: units.logo }).from(units).where(eq(units.id, opts.unitId));
    // The logo set in the console (Pejabat & unit → kop surat), else the service's emblem.
    const logo = unit?.logo ? unitLogoUrl(opts.unitId, unit.logo) : LOGO.url;
    return reply
      .header('content-security-policy', PAGE_POLICY)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(chatPage.replace(UNIT_MARK, escapeHtml(unit?.name ?? 'SIPUT')).replace(LOGO.url, escapeHtml(logo)));
  });

  // The page asks once, on its first view, for the welcome menu: the buttons are there before anyone
  // types. Keyed per chat, so a reload or a second tab does not greet twice.
  fastify.post('/chat/api/start', async (req, reply) => {
    const address = sessionOf(req, reply);
    const limited = await firstRefusal([opts.messageLimits.chat.hit(address), opts.messageLimits.address.hit(req.ip)]);
    if (limited) {
      reply.header('retry-after', String(Math.ceil(limited.retryAfterMs / 1000)));
      return refuse(req, reply, 429, 'slow_down', { seconds: String(Math.ceil(limited.retryAfterMs / 1000)) });
    }
    const hint = req.headers['accept-language']?.split(',')[0]?.trim();
    const result = await opts.handleInbound({
      channel: 'web',
      address,
      key: chatMessageKey(address, 'opening'),
      opening: true,
      ...(hint ? { languageHint: hint } : {}),
    });
    return { duplicate: result.duplicate, language: await languageOf(address) };
  });

  fastify.post('/chat/api/send', async (req, reply) => {
    const address = sessionOf(req, reply);
    const parsed = sendBody.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path[0];
      if (field === 'text' && issue?.code === 'too_big') {
        return refuse(req, reply, 400, 'text_too_long', { max: String(TEXT_MAX) });
      }
      if (field === 'choice') return refuse(req, reply, 400, 'invalid_choice');
      if (field === 'attachmentId') return refuse(req, reply, 400, 'unknown_attachment');
      return refuse(req, reply, 400, 'invalid_message');
    }
    const limited = await firstRefusal([opts.messageLimits.chat.hit(address), opts.messageLimits.address.hit(req.ip)]);
    if (limited) {
      reply.header('retry-after', String(Math.ceil(limited.retryAfterMs / 1000)));
      return refuse(req, reply, 429, 'slow_down', { seconds: String(Math.ceil(limited.retryAfterMs / 1000)) });
    }
    const { id, choice, attachmentId } = parsed.data;
    const text = parsed.data.text?.trim() || undefined;
    if (!text && !choice && !attachmentId) return refuse(req, reply, 400, 'empty_message');

    let attachment: Inbound['attachment'];
    if (attachmentId) {
      const meta = await opts.attachments.get(attachmentId);
      // Only a file this browser uploaded: an id seen elsewhere does not lend someone else's file.
      if (meta?.uploadedBy !== uploaderOf(address)) return refuse(req, reply, 400, 'unknown_attachment');
      attachment = { id: meta.id, name: meta.name, mime: meta.mime };
    }
    const hint = req.headers['accept-language']?.split(',')[0]?.trim();
    const result = await opts.handleInbound({
      channel: 'web',
      address,
      key: chatMessageKey(address, id),
      ...(text ? { text } : {}),
      ...(choice ? { choice } : {}),
      ...(attachment ? { attachment } : {}),
      ...(hint ? { languageHint: hint } : {}),
    });
    // The message may have switched the conversation's language (/lang en): the page follows.
    return { duplicate: result.duplicate, language: await languageOf(address) };
  });

  fastify.post('/chat/api/upload', async (req, reply) => {
    const address = sessionOf(req, reply);
    const part = await req.file();
    if (!part) return refuse(req, reply, 400, 'no_file');
    const bytes = await part.toBuffer();
    // Counted as received, kept or not: a flood of refused files fills no disk but still costs.
    const { chat, address: byAddress } = opts.uploadQuotas;
    if (await firstRefusal([chat.hit(address, bytes.length), byAddress.hit(req.ip, bytes.length)])) {
      return refuse(req, reply, 429, 'upload_quota');
    }
    const saved = await opts.attachments.save({
      bytes,
      name: part.filename,
      uploadedBy: uploaderOf(address),
    });
    return { id: saved.id, name: saved.name, mime: saved.mime };
  });

  fastify.get('/chat/api/history', async (req, reply) => {
    const address = sessionOf(req, reply);
    reply.header('cache-control', 'no-store');
    const [language, items] = await Promise.all([
      languageOf(address),
      chatHistory(db, opts.signer, address, opts.defaultZone, opts.publicUrl, opts.attachmentLinks),
    ]);
    return { language, items };
  });

  // The old conversation stays on record; this browser simply starts another one. Who the person is
  // and their language come along: their tickets stay theirs in Cek Status, and what the service
  // sends them later reaches the chat this browser shows.
  fastify.post('/chat/api/reset', async (req, reply) => {
    const old = sessions.read(req.cookies[CHAT_COOKIE]);
    const fresh = startSession(reply);
    if (old) await carryOver(db, old, fresh);
    return { ok: true };
  });

  const streams = new Set<ServerResponse>();
  // An open event stream would keep fastify.close() waiting for ever.
  fastify.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });

  // Counted in this process, where the streams are held: each open stream holds a socket.
  const openPerChat = new Map<string, number>();
  const openPerAddress = new Map<string, number>();
  const maxStreams = opts.maxStreams ?? { chat: 5, address: 50 };
  const adjust = (counts: Map<string, number>, key: string, by: number) => {
    const next = (counts.get(key) ?? 0) + by;
    if (next > 0) counts.set(key, next);
    else counts.delete(key);
  };

  fastify.get('/chat/api/events', async (req, reply) => {
    const address = sessionOf(req, reply);
    if ((openPerChat.get(address) ?? 0) >= maxStreams.chat || (openPerAddress.get(req.ip) ?? 0) >= maxStreams.address) {
      return refuse(req, reply, 429, 'too_many_streams');
    }
    adjust(openPerChat, address, 1);
    adjust(openPerAddress, req.ip, 1);
    const ip = req.ip;
    const res = reply.raw;
    reply.hijack();
    const cookie = reply.getHeader('set-cookie') as string | undefined;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx would otherwise hold the events back in its buffer.
      'x-accel-buffering': 'no',
      ...(cookie ? { 'set-cookie': cookie } : {}),
    });
    const stop = opts.hub.listen(address, {
      message: (m) => res.write(`id: ${m.id}\nevent: message\ndata: ${JSON.stringify(forBrowser(m))}\n\n`),
      resync: () => res.write('event: resync\ndata: {}\n\n'),
    });
    streams.add(res);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), opts.heartbeatMs ?? 25_000);
    res.write('retry: 3000\n: connected\n\n');
    req.raw.on('close', () => {
      adjust(openPerChat, address, -1);
      adjust(openPerAddress, ip, -1);
      clearInterval(heartbeat);
      stop();
      streams.delete(res);
    });
  });
};

const uploaderOf = (address: string) => `web:${address}`;

/** Links a new chat of this browser to the person the old one belonged to, in the same language. */
async function carryOver(db: Db, from: string, to: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [link] = await tx
      .select({ kind: channelLinks.ownerKind, id: channelLinks.ownerId })
      .from(channelLinks)
      .where(and(eq(channelLinks.channel, 'web'), eq(channelLinks.address, from), eq(channelLinks.active, true)));
    if (link) await linkChannel(tx, { kind: link.kind, id: link.id }, 'web', to);
    const [old] = await tx
      .select({ language: conversations.language })
      .from(conversations)
      .where(and(eq(conversations.channel, 'web'), eq(conversations.address, from)));
    if (old)
      await tx
        .insert(conversations)
        .values({ channel: 'web', address: to, language: old.language })
        .onConflictDoNothing();
  });
}

/** Counts a hit on every limit (each sees the attempt) and returns the first refusal, if any. */
async function firstRefusal(
  hits: readonly Promise<RateVerdict>[],
): Promise<Extract<RateVerdict, { allowed: false }> | undefined> {
  for (const verdict of await Promise.all(hits)) if (!verdict.allowed) return verdict;
  return undefined;
}

/** Whether a request came from another site's page; a client that says nothing (curl) is not one. */
function fromElsewhere(req: FastifyRequest, publicUrl: string | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return req.headers['sec-fetch-site'] === 'cross-site';
  const own = [`${req.protocol}://${req.host}`, ...(publicUrl ? [new URL(publicUrl).origin] : [])];
  return !own.includes(origin);
}

/** The chat's address is the session id: it stays out of the page's reach, like the cookie. */
function forBrowser(m: OutgoingMessage) {
  return { id: m.id, text: m.text, choices: m.choices, ...(m.document ? { document: m.document } : {}) };
}
