import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const root = fileURLToPath(new URL('..', import.meta.url));

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .default('false')
  .transform((v) => ['true', '1', 'yes'].includes(v));

const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), z.url().optional());

/** Every setting the service reads. Nothing else in the code looks at process.env. */
const schema = z.object({
  /** HTTP port for the web chat, console and webhooks. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** postgres://… ; unset → an embedded PGlite database under DATA_DIR. */
  DATABASE_URL: optionalUrl,
  /** redis://… ; unset → 127.0.0.1:6379, or a redis-server started under DATA_DIR. */
  REDIS_URL: optionalUrl,
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
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** all: everything in one process; web, worker or bot to split them over processes. */
  ROLE: z.enum(['all', 'web', 'worker', 'bot']).default('all'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  /** Where the embedded database, a started redis-server and uploads live. */
  DATA_DIR: z.string().min(1).default(`${root}data`),
  SOPS_DIR: z.string().min(1).default(`${root}sops`),
  HOLIDAYS_FILE: z.string().min(1).default(`${root}holidays/indonesia.yaml`),
  /** Signs buttons and download links; unset → a random one kept in DATA_DIR. Set it when processes run on several machines. */
  APP_SECRET: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(16, 'at least 16 characters').optional()),
  /** The address people reach the service at, for links in chat messages. */
  PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  /** The SOP complaints from the chat run on. */
  COMPLAINT_SOP: z.string().min(1).default('siput-sms'),
  /** The unit new cases belong to when the flow does not name one. */
  DEFAULT_UNIT: z.string().min(1).default('ortala'),
  /**
   * Months a stakeholder's personal data is kept after their last case closed (UU PDP 27/2022);
   * then a daily job anonymises them and keeps their cases for the statistics.
   */
  RETENTION_MONTHS: z.coerce.number().int().min(1).max(240).default(24),
});

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
