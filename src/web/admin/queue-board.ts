import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyPluginAsync } from 'fastify';
import { TIMERS_QUEUE } from '../../jobs/index.js';
import { actorOf, audit, requireAdmin, trOf, userOf } from './console-request.js';
import { BOARD_PATH, type SectionOptions } from './plugin.js';

/**
 * Bull Board at /admin/queues, for admins only. It sits inside the console's scope, so it needs a
 * session like every page, and its changes (retry, clean, pause) need the session's CSRF token:
 * its own front end knows nothing of it, so a small script added to its page sends the token
 * with every request that changes something. Only admins named in QUEUE_BOARD_EDITORS may change
 * anything; each change is written to the audit log.
 */
export const queueBoardSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);
  // Read-only unless QUEUE_BOARD_EDITORS names this admin: a job's data edited or a queue
  // obliterated is a case's message or timer lost, so only the named few may.
  const editors = new Set(app.config.QUEUE_BOARD_EDITORS);
  fastify.addHook('onRequest', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || reply.sent) return;
    const actor = await actorOf(app, userOf(req));
    if (!editors.has(actor.replace(/^admin:/, ''))) {
      await reply.code(403).type('text/plain; charset=utf-8').send(trOf(req)('admin.queues.read_only'));
    }
  });

  // The board's page: no fonts from elsewhere (the console loads nothing from other sites), and
  // the CSRF token for the board's own XHR and fetch calls.
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (typeof payload !== 'string' || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      return payload;
    }
    const token = JSON.stringify(userOf(req).csrf).replace(/</g, '\\u003c');
    reply.header('cache-control', 'no-store');
    return payload
      .replace(/<link[^>]+fonts\.googleapis\.com[^>]*>/g, '')
      .replace('<head>', `<head>\n<script>${csrfScript(token)}</script>`);
  });

  // Written before the answer leaves, so whoever sees the change done also finds it in the log.
  fastify.addHook('onSend', async (req, reply, payload) => {
    if (req.method === 'GET' || req.method === 'HEAD' || reply.statusCode >= 400) return payload;
    await audit(app, req, `queues.${req.method.toLowerCase()}`, req.routeOptions.url ?? req.url, {
      params: req.params as Record<string, unknown>,
    }).catch((err: Error) => req.log.warn({ err: err.message }, 'auditing a queue board action failed'));
    return payload;
  });

  // Every channel's outbox queue exists from the start, so the board lists a channel that has
  // not sent anything yet.
  for (const name of app.channels.keys()) app.queues.outbox(name);
  const server = new FastifyAdapter();
  server.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: app.queues.allQueues().map((queue) => {
      const adapter = new BullMQAdapter(queue, { readOnlyMode: editors.size === 0, ...queueWords(queue.name) });
      // Jobs carry ids only (no personal data in payloads); their names say what they do.
      adapter.setFormatter('name', (job: { name: string }) => JOB_NAMES[job.name] ?? job.name);
      return adapter;
    }),
    serverAdapter: server,
    // A way back to the console; no link to the board's documentation site.
    options: {
      uiConfig: { boardTitle: 'SIPUT', miscLinks: [{ text: 'Konsol', url: '/admin/health' }], hideDocsLink: true },
    },
  });
  await fastify.register(server.registerPlugin(), { prefix: BOARD_PATH });
};

const CHANNEL_NAMES: Readonly<Record<string, string>> = {
  telegram: 'Telegram',
  whatsapp: 'WhatsApp',
  web: 'chat web',
  email: 'email',
  log: 'log (uji, tanpa kanal)',
};

/** What each job does, in the console's words ('send' and 'timer' are BullMQ job names). */
const JOB_NAMES: Readonly<Record<string, string>> = {
  send: 'Kirim pesan',
  timer: 'Pengingat/eskalasi langkah',
};

/** The board's name and description of a queue: people see what it does, not "outbox-telegram". */
function queueWords(name: string): { displayName: string; description: string } {
  if (name === TIMERS_QUEUE) {
    return {
      displayName: 'Pengingat dan eskalasi langkah',
      description: 'Tenggat setiap langkah: pengingat ke pemegang langkah, lalu eskalasi ke atasan.',
    };
  }
  const channel = name.startsWith('outbox-') ? name.slice('outbox-'.length) : '';
  if (channel) {
    return {
      displayName: `Pengiriman pesan: ${CHANNEL_NAMES[channel] ?? channel}`,
      description: 'Pesan yang menunggu dikirim, dengan batas kecepatan kanal dan percobaan ulang.',
    };
  }
  return { displayName: name, description: '' };
}

/** Adds the session's CSRF token to every XHR and fetch that is not a GET or HEAD. */
function csrfScript(token: string): string {
  return `(function(){var t=${token};var safe=function(m){m=String(m||'GET').toUpperCase();return m==='GET'||m==='HEAD'};
var open=XMLHttpRequest.prototype.open,send=XMLHttpRequest.prototype.send;
XMLHttpRequest.prototype.open=function(m){this.__siputMethod=m;return open.apply(this,arguments)};
XMLHttpRequest.prototype.send=function(){if(!safe(this.__siputMethod))this.setRequestHeader('x-csrf-token',t);return send.apply(this,arguments)};
var f=window.fetch;if(f)window.fetch=function(input,init){init=init||{};if(!safe(init.method||(input&&input.method))){var h=new Headers(init.headers||(input&&input.headers)||{});h.set('x-csrf-token',t);init.headers=h}return f.call(this,input,init)}})();`;
}
