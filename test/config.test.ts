import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('loadConfig', () => {
  it('runs on defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 3000,
      TZ_DEFAULT: 'WIB',
      ROLE: 'all',
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
      WHATSAPP_ENABLED: false,
      DEFAULT_UNIT: 'ortala',
    });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(config.DATA_DIR).toMatch(/data$/);
    expect(config.SOPS_DIR).toMatch(/sops$/);
  });

  it('reads the values that are set', () => {
    const config = loadConfig({
      PORT: '8080',
      ROLE: 'worker',
      TELEGRAM_BOT_TOKEN: '123456:ABC-def',
      WHATSAPP_ENABLED: 'yes',
      DATABASE_URL: 'postgres://u@db:5432/siput',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      ROLE: 'worker',
      TELEGRAM_BOT_TOKEN: '123456:ABC-def',
      WHATSAPP_ENABLED: true,
      DATABASE_URL: 'postgres://u@db:5432/siput',
    });
  });

  it('treats an empty setting as unset, defaults included', () => {
    const config = loadConfig({ DATABASE_URL: '', TELEGRAM_BOT_TOKEN: '', PORT: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(config.PORT).toBe(3000);
  });

  it('does not repeat a wrong value, which may be a secret, in its message', () => {
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'secret-looking-token' })).toThrow(
      /^Setting TELEGRAM_BOT_TOKEN is invalid/,
    );
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'secret-looking-token' })).not.toThrow(/secret-looking-token/);
  });

  it.each([
    ['PORT', 'abc', /expected number/],
    ['PORT', '70000', /<=65535/],
    ['LOG_LEVEL', 'verbose', /expected one of "fatal"\|"error"\|"warn"\|"info"\|"debug"\|"trace"\|"silent"/],
    ['TELEGRAM_BOT_TOKEN', 'abc', /a token from @BotFather, like 123456:ABC-def/],
    ['ROLE', 'everything', /expected one of "all"\|"web"\|"worker"\|"bot"/],
  ])('stops on %s=%s with one line naming it and what is expected', (name, value, expected) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith(`Setting ${name} is invalid: `)).toBe(true);
    expect(message).toMatch(expected);
  });
});
