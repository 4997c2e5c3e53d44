import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import { and, eq } from 'drizzle-orm';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { OutgoingMessage } from '../bots/channel.js';
import type { Db } from '../db/client.js';
import { conversations } from '../db/schema.js';
import type { Inbound } from '../flows/inbound.js';
import { isLanguage, type Language, t } from '../i18n/catalog.js';
import type { Signer } from '../signing.js';
import type { AttachmentStore } from './attachment-store.js';
import { chatHistory } from './chat-history.js';
import type { WebChatHub } from './chat-hub.js';
import { CHAT_COOKIE, type ChatSessions } from './chat-session.js';
import { FileRejectedError } from './errors.js';
import './texts.js';

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
  /** Where people reach the service (publicBaseUrl), for links in the history's messages. */
  readonly publicUrl?: string;
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
  ) => {
    const language = await languageOf(sessions.read(req.cookies[CHAT_COOKIE]));
    return reply.code(status).send({ error: code, message: t(language, `web.${code}`, params) });
  };

  fastify.setErrorHandler(async (err: FastifyError, req, reply) => {
    if (err instanceof FileRejectedError) return refuse(req, reply, err.statusCode, err.code, err.params);
    if (err instanceof fastify.multipartErrors.RequestFileTooLargeError) {
      return refuse(req, reply, 413, 'file_too_large', { max: `${opts.attachments.maxBytes / 1024 / 1024} MB` });
    }
    if (err.statusCode && err.statusCode < 500) return refuse(req, reply, err.statusCode, 'invalid_message');
    req.log.error({ err: err.message, code: err.code }, 'web chat request failed');
    return refuse(req, reply, 500, 'internal');
  });

  fastify.get('/chat', async (req, reply) => {
    sessionOf(req, reply);
    return reply
      .header('content-security-policy', PAGE_POLICY)
      .header('cache-control', 'no-store')
      .sendFile('chat.html');
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
      key: id,
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
    const saved = await opts.attachments.save({
      bytes: await part.toBuffer(),
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
      chatHistory(db, opts.signer, address, opts.defaultZone, opts.publicUrl),
    ]);
    return { language, items };
  });

  // The old conversation stays on record; this browser simply starts another one.
  fastify.post('/chat/api/reset', async (_req, reply) => {
    startSession(reply);
    return { ok: true };
  });

  const streams = new Set<ServerResponse>();
  // An open event stream would keep fastify.close() waiting for ever.
  fastify.addHook('preClose', async () => {
    for (const res of streams) res.end();
  });

  fastify.get('/chat/api/events', async (req, reply) => {
    const address = sessionOf(req, reply);
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
      clearInterval(heartbeat);
      stop();
      streams.delete(res);
    });
  });
};

const uploaderOf = (address: string) => `web:${address}`;

/** The chat's address is the session id: it stays out of the page's reach, like the cookie. */
function forBrowser(m: OutgoingMessage) {
  return { id: m.id, text: m.text, choices: m.choices, ...(m.document ? { document: m.document } : {}) };
}
