import { isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const root = fileURLToPath(new URL('..', import.meta.url));

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => ['true', '1', 'yes'].includes(v));

const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());

const SENTINEL_SCHEME = 'redis+sentinel://';
const SENTINEL_HOST = /^[^\s:,@/]+:\d{1,5}$/;
const MASTER_NAME = /^[A-Za-z0-9._-]{1,100}$/;

export interface SentinelUrl {
  readonly sentinels: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  readonly name: string;
  /** The master's and replicas' password, from the URL's user part. */
  readonly password?: string;
}

/**
 * REDIS_URL's Sentinel form, as other Redis clients write it:
 * `redis+sentinel://[:password@]host:port[,host:port…]/mastername`. Undefined for any other URL,
 * or when this one is malformed (the setting's check says so).
 */
export function sentinelUrl(url: string): SentinelUrl | undefined {
  if (!url.startsWith(SENTINEL_SCHEME)) return undefined;
  const match = /^([^/]*)\/([^/]+)\/?$/.exec(url.slice(SENTINEL_SCHEME.length));
  if (!match) return undefined;
  const [, authority = '', name = ''] = match;
  const at = authority.lastIndexOf('@');
  const hosts = authority.slice(at + 1).split(',');
  if (!MASTER_NAME.test(name) || !hosts.every((h) => SENTINEL_HOST.test(h))) return undefined;
  let password: string | undefined;
  try {
    password = at < 0 ? undefined : decodeURIComponent(authority.slice(0, at).replace(/^[^:]*:/, ''));
  } catch {
    return undefined;
  }
  return {
    sentinels: hosts.map(sentinelAddress),
    name,
    ...(password ? { password } : {}),
  };
}

/** A sentinel's "host:port", as REDIS_SENTINELS and the redis+sentinel:// URL both write it. */
export function sentinelAddress(hostPort: string): { host: string; port: number } {
  const colon = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)) };
}

/** Every setting the service reads. Nothing else in the code looks at process.env. */
const schema = z.object({
  /** HTTP port for the web chat, console and webhooks. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** postgres://… ; unset → an embedded PGlite database under DATA_DIR. */
  DATABASE_URL: optionalUrl,
  /**
   * redis://… ; unset → 127.0.0.1:6379, or a redis-server started under DATA_DIR. Or Redis
   * Sentinel as one URL, redis+sentinel://[:password@]host:port,host:port/mastername (see sentinelUrl).
   */
  REDIS_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .refine(
        (v) => (v.startsWith(SENTINEL_SCHEME) ? sentinelUrl(v) !== undefined : z.url().safeParse(v).success),
        'a redis:// URL, or redis+sentinel://host:port,host:port/mastername',
      )
      .optional(),
  ),
  /**
   * Redis Sentinel instead of one Redis: the sentinels as host:port, comma-separated. Every
   * connection (queues, workers, pub/sub, limits) asks them for the current master and follows a
   * failover. Set → REDIS_URL is not used.
   */
  REDIS_SENTINELS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'host:port of each sentinel, comma-separated'))),
  /** The master's name in the sentinels' configuration (`sentinel monitor NAME …`). */
  REDIS_SENTINEL_NAME: z.string().regex(MASTER_NAME, 'a name like mymaster').default('mymaster'),
  /** The sentinels' own password (their requirepass), if they have one. */
  REDIS_SENTINEL_PASSWORD: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  /** With REDIS_SENTINELS: the master's and replicas' password (requirepass), if they have one. */
  REDIS_PASSWORD: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
  TELEGRAM_BOT_TOKEN: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\d+:[\w-]+$/, 'a token from @BotFather, like 123456:ABC-def')
      .optional(),
  ),
  /** telegraf's apiRoot: a self-hosted Bot API server (the tests point it at their emulator). */
  TELEGRAM_API_ROOT: optionalUrl,
  /** Set → webhook mode at this public URL; unset → long polling. */
  TELEGRAM_WEBHOOK_URL: optionalUrl,
  WHATSAPP_ENABLED: bool,
  /**
   * The WhatsApp number to pair by code (digits with the country code, like 6281234567890); unset
   * → pair by scanning the QR code printed in the terminal and shown in the console.
   */
  WHATSAPP_PAIRING_PHONE: z.preprocess(
    (v) => (typeof v === 'string' ? v.replace(/[\s+-]/g, '') : v),
    z
      .string()
      .regex(/^[1-9]\d{7,14}$/, 'digits with the country code, like 6281234567890')
      .optional(),
  ),
  /** WhatsApp messages per second over the whole number; low, since bursts get numbers banned. */
  WHATSAPP_RATE_PER_SECOND: z.coerce.number().int().min(1).max(20).default(5),
  /** Least milliseconds between two WhatsApp messages to the same chat. */
  WHATSAPP_CHAT_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Milliseconds "typing…" is shown before each WhatsApp message, as a person would. */
  WHATSAPP_TYPING_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /**
   * Messages a day to people who have not written in the last 24 hours (step notices to officials,
   * outcomes to reporters); past it they are held until the next day, never dropped. An ordinary
   * number that keeps messaging people who are not talking to it looks like bulk sending, which
   * WhatsApp answers with time locks (error 463) and bans.
   */
  WHATSAPP_DAILY_COLD_CAP: z.coerce.number().int().min(1).max(10_000).default(40),
  /** Up to this many random milliseconds before each WhatsApp send, so sends do not tick like a machine. */
  WHATSAPP_JITTER_MS: z.coerce.number().int().min(0).max(60_000).default(1500),
  /** A WhatsApp send with no server ack within this many ms is sent once more, then marked failed. */
  WHATSAPP_ACK_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** WhatsApp groups (…@g.us, comma-separated) whose messages are answered; all others are ignored. */
  WHATSAPP_GROUPS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((g) => g.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[\d-]+@g\.us$/, 'group ids like 120363012345678901@g.us, comma-separated'))),
  /** The default time zone of units: WIB, WITA, WIT or an IANA name. */
  TZ_DEFAULT: z.string().min(1).default('WIB'),
  /** Seconds a unit's working calendar is kept before its hours and days off are read again. */
  CALENDAR_REFRESH_SECONDS: z.coerce.number().int().min(1).max(60).default(30),
  /** Seconds a process keeps the active SOP versions before reading them again (the fallback to the notice). */
  SOP_REFRESH_SECONDS: z.coerce.number().int().min(1).max(60).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** all: everything in one process; web, worker or bot to split them over processes. */
  ROLE: z.enum(['all', 'web', 'worker', 'bot']).default('all'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  /** Where the embedded database, a started redis-server and uploads live. */
  DATA_DIR: z.string().min(1).default(`${root}data`),
  SOPS_DIR: z.string().min(1).default(`${root}sops`),
  HOLIDAYS_FILE: z.string().min(1).default(`${root}holidays/indonesia.yaml`),
  /** The SKM survey's nine unsur as the units word them (PermenPANRB 14/2017); a unit may adjust its copy. */
  SKM_FILE: z.string().min(1).default(`${root}skm/unsur.yaml`),
  /** Signs buttons and download links; unset → a random one kept in DATA_DIR. Set it when processes run on several machines. */
  APP_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'at least 16 characters').optional()),
  /**
   * Whom to believe about the client's address (X-Forwarded-For), as fastify's trustProxy: unset or
   * false → nobody (the service faces the internet); a number → that many proxies in front; a
   * comma-separated list of addresses or CIDR ranges → those proxies. Behind a reverse proxy, set it,
   * or every visitor counts as the proxy's one address in the limits.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx): boolean | number | string[] => {
      const value = v.trim();
      if (value === 'false' || value === '0') return false;
      if (value === 'true') return true;
      if (/^\d+$/.test(value)) return Number(value);
      const list = value
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      if (list.length > 0 && list.every(isAddressOrRange)) return list;
      ctx.addIssue({
        code: 'custom',
        message: 'false, true, a number of proxies, or addresses/CIDR ranges, comma-separated',
      });
      return z.NEVER;
    }),
  /**
   * Prefix of every Redis key and pub/sub channel; give each deployment sharing one Redis server its own.
   */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, "_" or "-", at most 100')
    .default('siput'),
  /**
   * Console usernames (comma-separated) who may change jobs and queues on the queue board (retry,
   * clean, pause, edit, obliterate); unset → the board is read-only for every admin.
   */
  QUEUE_BOARD_EDITORS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((name) => name.trim().toLowerCase())
        .filter(Boolean),
    ),
  /**
   * Messages one chat may send per minute: a web chat, or one sender on Telegram or WhatsApp. Past
   * it the person is asked once to slow down and the rest of the minute's messages are refused.
   */
  CHAT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Web chat messages per minute from one network address, all its chats together. */
  CHAT_MESSAGES_PER_MINUTE_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(300),
  /** Megabytes of uploads one web chat may send in six hours. */
  UPLOAD_QUOTA_MB: z.coerce.number().int().min(1).max(100_000).default(50),
  /** Megabytes of web chat uploads from one network address in six hours. */
  UPLOAD_QUOTA_MB_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** Free disk space under DATA_DIR, in megabytes, below which uploads are refused. */
  UPLOAD_MIN_FREE_MB: z.coerce.number().int().min(0).max(10_000_000).default(500),
  /** Hours an upload attached to no case (nor to a draft in progress) is kept before it is deleted. */
  UNATTACHED_UPLOAD_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(6),
  /** The address people reach the service at, for links in chat messages. */
  PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  /** Hours the links to a case's files in an official's chat work (signed, like download links). */
  ATTACHMENT_LINK_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  /** The SOP complaints from the chat run on. */
  COMPLAINT_SOP: z.string().min(1).default('siput-sms'),
  /** The unit new cases belong to when the flow does not name one. */
  DEFAULT_UNIT: z.string().min(1).default('ortala'),
  /**
   * Months a stakeholder's personal data is kept after their last case closed (UU PDP 27/2022);
   * then a daily job anonymises them and keeps their cases for the statistics.
   */
  RETENTION_MONTHS: z.coerce.number().int().min(1).max(240).default(24),
  /**
   * smtp://user:pass@host:587 or smtps://…:465: the mail server that sends email updates to reporters
   * a chat cannot reach. Unset → no email is sent (the console says so).
   */
  SMTP_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^smtps?:\/\/\S+$/, 'a URL like smtp://user:password@mail.example.go.id:587 or smtps://…:465')
      .optional(),
  ),
  /** The From of emails: an address, optionally with a name, like "SIPUT Ortala <siput@example.go.id>". */
  MAIL_FROM: z
    .string()
    .regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'an address like SIPUT <siput@example.go.id>')
    .default('SIPUT <siput@localhost>'),
});

function isAddressOrRange(value: string): boolean {
  const [address = '', bits, extra] = value.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
}

export type Config = Readonly<z.output<typeof schema>>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'config_invalid';
}

/** Parses the environment once; a wrong value stops start-up with one line naming it. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty value (PORT= in a .env file) means "not set", for every setting alike.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = String(issue?.path[0] ?? '?');
    // The value itself is not repeated: it may be a token, a password in a URL or a secret.
    throw new ConfigError(`Setting ${name} is invalid: ${issue?.message ?? 'unknown problem'}`);
  }
  return Object.freeze(result.data);
}
