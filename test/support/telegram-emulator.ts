import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/*
 * A small Bot API server for tests and the bench: the methods telegraf calls for SIPUT, answered
 * the way api.telegram.org answers them, with every call recorded and knobs to make it fail.
 * Updates are queued by the test (a user writes, presses, sends a photo) and handed out by
 * getUpdates with Telegram's offset rules: an update stays until a later offset confirms it.
 */

export interface TgUser {
  readonly id: number;
  readonly is_bot: boolean;
  readonly first_name: string;
  readonly username?: string;
  readonly language_code?: string;
}

export interface TgChat {
  readonly id: number;
  readonly type: 'private' | 'group' | 'supergroup';
  readonly title?: string;
  readonly first_name?: string;
}

/** A message the bot sent, as it stands now (edits applied). */
export interface BotMessage {
  message_id: number;
  chat: TgChat;
  date: number;
  from: TgUser;
  text?: string;
  caption?: string;
  document?: { file_id: string; file_unique_id: string; file_name: string; file_size: number };
  reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] };
  /** Not Bot API: how often the message was edited. */
  edits: number;
}

export interface RecordedCall {
  readonly method: string;
  readonly payload: Record<string, unknown>;
  /** Wall-clock ms when the request arrived. */
  readonly at: number;
  readonly status: number;
}

export interface Failure {
  readonly code: number;
  readonly description: string;
  readonly retryAfter?: number;
}

type Update = { update_id: number } & Record<string, unknown>;

interface Waiter {
  readonly offset: number;
  readonly limit: number;
  readonly done: (updates: Update[]) => void;
}

/** Methods that send a message: what Telegram's ~30/s per bot counts. */
const SENDS = new Set(['sendMessage', 'sendDocument', 'sendPhoto']);

export class TelegramEmulator {
  readonly token: string;
  readonly bot: TgUser;
  readonly calls: RecordedCall[] = [];
  /** 429s answered because more sends arrived in a second than `sendsPerSecondCap`. */
  rateLimited = 0;
  /** When set, more than this many sends in any sliding second are answered 429. */
  sendsPerSecondCap: number | null = null;
  webhook: { url: string; secret_token?: string } | null = null;

  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #queue: Update[] = [];
  readonly #waiters = new Set<Waiter>();
  readonly #messages = new Map<number, BotMessage[]>();
  readonly #counters = new Map<number, number>();
  readonly #files = new Map<string, { bytes: Buffer; name: string }>();
  readonly #failures = new Map<string, Failure[]>();
  #sendTimes: number[] = [];
  #nextUpdateId = 100_000;
  #down = false;
  #apiRoot = '';

  private constructor(opts: { token?: string; username?: string }) {
    this.token =
      opts.token ?? `${4_000_000 + Math.floor(Math.random() * 1_000_000)}:${randomBytes(16).toString('hex')}`;
    const id = Number(this.token.slice(0, this.token.indexOf(':')));
    this.bot = { id, is_bot: true, first_name: 'SIPUT', username: opts.username ?? 'siput_test_bot' };
    this.#server = createServer((req, res) => void this.#serve(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(opts: { token?: string; username?: string } = {}): Promise<TelegramEmulator> {
    const emulator = new TelegramEmulator(opts);
    await new Promise<void>((resolve) => emulator.#server.listen(0, '127.0.0.1', resolve));
    const { port } = emulator.#server.address() as AddressInfo;
    emulator.#apiRoot = `http://127.0.0.1:${port}`;
    return emulator;
  }

  /** While true, every connection is cut, the open ones too: a network outage. Attempts are still recorded (status 0). */
  get down(): boolean {
    return this.#down;
  }

  set down(down: boolean) {
    this.#down = down;
    if (down) for (const socket of this.#sockets) socket.destroy();
  }

  /** What telegraf's apiRoot (TELEGRAM_API_ROOT) is set to. */
  get apiRoot(): string {
    return this.#apiRoot;
  }

  async close(): Promise<void> {
    for (const waiter of this.#waiters) waiter.done([]);
    this.#waiters.clear();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  // --- people ----------------------------------------------------------------------------------

  user(id: number, firstName = `Pengguna ${id}`, languageCode = 'id'): TgUser {
    return { id, is_bot: false, first_name: firstName, language_code: languageCode };
  }

  privateChat(user: TgUser): TgChat {
    return { id: user.id, type: 'private', first_name: user.first_name };
  }

  group(id: number, title = 'Grup Ortala'): TgChat {
    return { id, type: 'supergroup', title };
  }

  // --- updates ---------------------------------------------------------------------------------

  /** Queues an update; without an update_id it gets the next one. Redelivery: push the same one again. */
  push(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const full = { ...update, update_id: update.update_id ?? this.#nextUpdateId++ } as Update;
    this.#queue.push(full);
    this.#queue.sort((a, b) => a.update_id - b.update_id);
    this.#wake();
    return full;
  }

  sendText(from: TgUser, text: string, chat: TgChat = this.privateChat(from), extra: Record<string, unknown> = {}) {
    const entities = text.startsWith('/')
      ? [{ type: 'bot_command', offset: 0, length: text.split(/\s/)[0]?.length ?? 1 }]
      : undefined;
    return this.push({ message: { ...this.#incoming(from, chat), text, ...(entities ? { entities } : {}), ...extra } });
  }

  sendPhoto(from: TgUser, bytes: Buffer, caption?: string, chat: TgChat = this.privateChat(from)) {
    // Telegram offers a photo in several sizes; the last is the largest.
    const small = this.#storeFile(bytes.subarray(0, Math.min(bytes.length, 16)), 'thumb.jpg');
    const large = this.#storeFile(bytes, 'photo.jpg');
    return this.push({
      message: {
        ...this.#incoming(from, chat),
        photo: [
          { file_id: small, file_unique_id: `u${small}`, width: 90, height: 90, file_size: Math.min(bytes.length, 16) },
          { file_id: large, file_unique_id: `u${large}`, width: 800, height: 600, file_size: bytes.length },
        ],
        ...(caption ? { caption } : {}),
      },
    });
  }

  sendDocument(from: TgUser, bytes: Buffer, name: string, mime: string, chat = this.privateChat(from), extra = {}) {
    const fileId = this.#storeFile(bytes, name);
    return this.push({
      message: {
        ...this.#incoming(from, chat),
        document: {
          file_id: fileId,
          file_unique_id: `u${fileId}`,
          file_name: name,
          mime_type: mime,
          file_size: bytes.length,
        },
        ...extra,
      },
    });
  }

  /** A press on a button the message has now; throws when it has no such button (as a real app cannot press it). */
  press(from: TgUser, message: BotMessage, label: string) {
    const button = message.reply_markup?.inline_keyboard.flat().find((b) => b.text.includes(label));
    if (!button) throw new Error(`message ${message.message_id} has no button "${label}"`);
    return this.pressData(from, message, button.callback_data);
  }

  /** A press carrying any data, even of a button gone from the message (a stale keyboard on another device). */
  pressData(from: TgUser, message: BotMessage, data: string) {
    return this.push({
      callback_query: {
        id: randomBytes(8).toString('hex'),
        from,
        message: structuredClone(message),
        chat_instance: String(message.chat.id),
        data,
      },
    });
  }

  /** Updates not yet confirmed by a getUpdates offset. */
  get pending(): readonly Update[] {
    return this.#queue;
  }

  // --- what the bot did ------------------------------------------------------------------------

  messagesIn(chatId: number): BotMessage[] {
    return this.#messages.get(chatId) ?? [];
  }

  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The answer to the next `times` calls of `method`. */
  failNext(method: string, failure: Failure, times = 1): void {
    const list = this.#failures.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(failure);
    this.#failures.set(method, list);
  }

  fileBytes(fileId: string): Buffer | undefined {
    return this.#files.get(fileId)?.bytes;
  }

  /** Resolves when `check` holds, polling; fails naming `what` after `ms`. */
  async until<T>(what: string, check: () => T | undefined | null | false, ms = 15_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // --- the server --------------------------------------------------------------------------------

  #incoming(from: TgUser, chat: TgChat) {
    return { message_id: this.#nextMessageId(chat.id), from, chat, date: Math.floor(Date.now() / 1000) };
  }

  #storeFile(bytes: Buffer, name: string): string {
    const id = `f${randomBytes(10).toString('hex')}`;
    this.#files.set(id, { bytes: Buffer.from(bytes), name });
    return id;
  }

  /** People's and the bot's messages share one numbering per chat, as in Telegram. */
  #nextMessageId(chatId: number): number {
    const next = (this.#counters.get(chatId) ?? 0) + 1;
    this.#counters.set(chatId, next);
    return next;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.#apiRoot);
    if (this.#down) {
      this.calls.push({ method: url.pathname.split('/').pop() ?? '', payload: {}, at: Date.now(), status: 0 });
      req.socket.destroy();
      return;
    }
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) return this.#serveFile(file[1] ?? '', file[2] ?? '', res);
    const api = /^\/bot([^/]+)\/(\w+)$/.exec(url.pathname);
    if (!api) return this.#reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const [, token, method = ''] = api;
    // Counted as it arrives, before the body is read, as a server's rate limit would.
    const at = Date.now();
    const payload = await readPayload(req);
    const answer = (status: number, body: unknown) => {
      this.calls.push({ method, payload, at, status });
      this.#reply(res, status, body);
    };
    if (token !== this.token) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' });

    const failure = this.#failures.get(method)?.shift();
    if (failure) return answer(failure.code, failureBody(failure));
    if (SENDS.has(method) && this.sendsPerSecondCap !== null && !this.#admitSend(at)) {
      this.rateLimited++;
      return answer(429, failureBody({ code: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 }));
    }
    try {
      const result = await this.#call(method, payload, req);
      answer(200, { ok: true, result });
    } catch (err) {
      if (err instanceof ApiFailure) return answer(err.failure.code, failureBody(err.failure));
      throw err;
    }
  }

  /**
   * A sliding one-second window, the strictest reading of "30 messages per second": a send is
   * refused when some second holding it would hold more than the cap. Requests are stamped as they
   * come in and admitted once their body is read, so the stamps need not arrive in order.
   */
  #admitSend(at: number): boolean {
    this.#sendTimes = this.#sendTimes.filter((t) => t > at - 2000);
    const near = this.#sendTimes.filter((t) => t > at - 1000 && t < at + 1000);
    // The busiest second holding `at` starts 999 ms before it or at one of the sends before it.
    const starts = [at - 999, ...near.filter((t) => t <= at)];
    const busiest = Math.max(...starts.map((from) => near.filter((t) => t >= from && t <= from + 999).length));
    if (busiest >= (this.sendsPerSecondCap ?? Number.POSITIVE_INFINITY)) return false;
    this.#sendTimes.push(at);
    return true;
  }

  #serveFile(token: string, path: string, res: ServerResponse): void {
    const stored = this.#files.get(path.replace(/^files\//, ''));
    if (token !== this.token || !stored) {
      this.#reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': stored.bytes.length });
    res.end(stored.bytes);
  }

  #reply(res: ServerResponse, status: number, body: unknown): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  async #call(method: string, p: Record<string, unknown>, req: IncomingMessage): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return this.bot;
      case 'getUpdates':
        return this.#getUpdates(p, req);
      case 'setWebhook':
        this.webhook = { url: String(p.url), ...(p.secret_token ? { secret_token: String(p.secret_token) } : {}) };
        return true;
      case 'deleteWebhook':
        this.webhook = null;
        return true;
      case 'setMyCommands':
      case 'answerCallbackQuery':
        return true;
      case 'sendMessage':
        return this.#send(p, { text: String(p.text ?? '') });
      case 'sendDocument':
        return this.#send(p, {
          document: this.#documentOf(p.document),
          ...(p.caption ? { caption: String(p.caption) } : {}),
        });
      case 'editMessageText':
        return this.#edit(p, (m) => {
          if (m.text === undefined) throw badRequest('there is no text in the message to edit');
          m.text = String(p.text);
        });
      case 'editMessageCaption':
        return this.#edit(p, (m) => {
          m.caption = String(p.caption ?? '');
        });
      case 'editMessageReplyMarkup':
        return this.#edit(p, () => {});
      case 'getFile': {
        const id = String(p.file_id);
        const stored = this.#files.get(id);
        if (!stored) throw badRequest('invalid file_id');
        return { file_id: id, file_unique_id: `u${id}`, file_size: stored.bytes.length, file_path: `files/${id}` };
      }
      default:
        throw new ApiFailure({ code: 404, description: 'Not Found: method not found' });
    }
  }

  async #getUpdates(p: Record<string, unknown>, req: IncomingMessage): Promise<Update[]> {
    if (this.webhook)
      throw new ApiFailure({ code: 409, description: "Conflict: can't use getUpdates method while webhook is active" });
    const offset = Number(p.offset ?? 0);
    const limit = Math.min(Number(p.limit ?? 100), 100);
    const timeout = Number(p.timeout ?? 0);
    // An offset confirms every update before it: Telegram forgets them.
    if (offset > 0) {
      while (this.#queue.length > 0 && (this.#queue[0]?.update_id ?? 0) < offset) this.#queue.shift();
    }
    const ready = this.#available(offset, limit);
    if (ready.length > 0 || timeout <= 0) return ready;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        offset,
        limit,
        done: (updates) => {
          clearTimeout(timer);
          this.#waiters.delete(waiter);
          resolve(updates);
        },
      };
      const timer = setTimeout(() => waiter.done([]), timeout * 1000);
      req.on('close', () => waiter.done([]));
      this.#waiters.add(waiter);
    });
  }

  #available(offset: number, limit: number): Update[] {
    return this.#queue
      .filter((u) => u.update_id >= offset)
      .slice(0, limit)
      .map((u) => structuredClone(u));
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) {
      const ready = this.#available(waiter.offset, waiter.limit);
      if (ready.length > 0) waiter.done(ready);
    }
  }

  #chatOf(chatId: unknown): TgChat {
    const id = Number(chatId);
    if (!Number.isSafeInteger(id) || id === 0) throw badRequest('chat not found');
    return id < 0 ? { id, type: 'supergroup', title: 'Grup' } : { id, type: 'private', first_name: 'Pengguna' };
  }

  #send(p: Record<string, unknown>, body: Partial<BotMessage>): BotMessage {
    const chat = this.#chatOf(p.chat_id);
    const message: BotMessage = {
      message_id: this.#nextMessageId(chat.id),
      chat,
      date: Math.floor(Date.now() / 1000),
      from: this.bot,
      ...body,
      ...markupOf(p.reply_markup),
      edits: 0,
    };
    this.#messages.set(chat.id, [...this.messagesIn(chat.id), message]);
    const { edits: _, ...wire } = message;
    return wire as BotMessage;
  }

  #documentOf(document: unknown): NonNullable<BotMessage['document']> {
    if (typeof document === 'object' && document !== null && 'upload' in document) {
      const { bytes, name } = (document as { upload: { bytes: Buffer; name: string } }).upload;
      const id = this.#storeFile(bytes, name);
      return { file_id: id, file_unique_id: `u${id}`, file_name: name, file_size: bytes.length };
    }
    const id = String(document);
    const stored = this.#files.get(id);
    if (!stored) throw badRequest('wrong file identifier/HTTP URL specified');
    return { file_id: id, file_unique_id: `u${id}`, file_name: stored.name, file_size: stored.bytes.length };
  }

  #edit(p: Record<string, unknown>, change: (m: BotMessage) => void): BotMessage {
    const chat = this.#chatOf(p.chat_id);
    const message = this.messagesIn(chat.id).find((m) => m.message_id === Number(p.message_id));
    if (!message) throw badRequest('message to edit not found');
    const before = JSON.stringify([message.text, message.caption, message.reply_markup]);
    change(message);
    // Editing without reply_markup takes the inline keyboard away, as in Telegram.
    const markup = markupOf(p.reply_markup).reply_markup;
    if (markup && markup.inline_keyboard.length > 0) message.reply_markup = markup;
    else delete message.reply_markup;
    if (JSON.stringify([message.text, message.caption, message.reply_markup]) === before) {
      throw badRequest('message is not modified: specified new message content and reply markup are exactly the same');
    }
    message.edits++;
    const { edits: _, ...wire } = message;
    return wire as BotMessage;
  }
}

class ApiFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.description);
  }
}

const badRequest = (what: string) => new ApiFailure({ code: 400, description: `Bad Request: ${what}` });

function failureBody(f: Failure) {
  return {
    ok: false,
    error_code: f.code,
    description: f.description,
    ...(f.retryAfter !== undefined ? { parameters: { retry_after: f.retryAfter } } : {}),
  };
}

function markupOf(raw: unknown): Pick<BotMessage, 'reply_markup'> {
  const parsed = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (!parsed || typeof parsed !== 'object' || !('inline_keyboard' in parsed)) return {};
  return { reply_markup: parsed as NonNullable<BotMessage['reply_markup']> };
}

/** JSON, or multipart/form-data (an upload) with its file as `{ upload: { bytes, name } }`. */
async function readPayload(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const type = req.headers['content-type'] ?? '';
  if (body.length === 0) return {};
  if (type.startsWith('application/json')) return JSON.parse(body.toString('utf8'));
  if (!type.startsWith('multipart/form-data')) return {};
  const form = await new Response(body, { headers: { 'content-type': type } }).formData();
  const payload: Record<string, unknown> = {};
  for (const [key, value] of form.entries()) {
    payload[key] =
      typeof value === 'string'
        ? value
        : { upload: { bytes: Buffer.from(await value.arrayBuffer()), name: value.name } };
  }
  return payload;
}
