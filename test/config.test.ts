import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { redisTarget } from '../src/jobs/redis.js';

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

  it('takes Redis Sentinel as host:port pairs, which then stand for REDIS_URL', () => {
    const config = loadConfig({
      REDIS_SENTINELS: ' 10.0.0.11:26379, sentinel-b.lan:26380 ',
      REDIS_URL: 'redis://unused:6379',
      REDIS_PASSWORD: 'rahasia',
    });
    expect(redisTarget(config)).toEqual({
      sentinel: {
        sentinels: [
          { host: '10.0.0.11', port: 26379 },
          { host: 'sentinel-b.lan', port: 26380 },
        ],
        name: 'mymaster',
        password: 'rahasia',
      },
    });
    expect(redisTarget(loadConfig({ REDIS_URL: 'redis://r:6379' }))).toEqual({ url: 'redis://r:6379' });
    expect(redisTarget(loadConfig({}))).toBeUndefined();
    expect(() => loadConfig({ REDIS_SENTINELS: '10.0.0.11' })).toThrow(
      'Setting REDIS_SENTINELS is invalid: host:port of each sentinel, comma-separated',
    );
  });

  it('takes Redis Sentinel as one URL too: redis+sentinel://[:password@]host:port,…/mastername', () => {
    const config = loadConfig({
      REDIS_URL: 'redis+sentinel://:raha%40sia@10.0.0.11:26379,sentinel-b.lan:26380/induk',
      REDIS_SENTINEL_PASSWORD: 'penjaga',
    });
    expect(redisTarget(config)).toEqual({
      sentinel: {
        sentinels: [
          { host: '10.0.0.11', port: 26379 },
          { host: 'sentinel-b.lan', port: 26380 },
        ],
        name: 'induk',
        password: 'raha@sia',
        sentinelPassword: 'penjaga',
      },
    });
    // Without a password in the URL, REDIS_PASSWORD is the master's, as with REDIS_SENTINELS.
    expect(
      redisTarget(loadConfig({ REDIS_URL: 'redis+sentinel://s1:26379/mymaster', REDIS_PASSWORD: 'rahasia' })),
    ).toEqual({ sentinel: { sentinels: [{ host: 's1', port: 26379 }], name: 'mymaster', password: 'rahasia' } });
    for (const wrong of [
      'redis+sentinel://s1/mymaster',
      'redis+sentinel://s1:26379,s2/mymaster',
      'redis+sentinel://s1:26379',
      'redis+sentinel://s1:26379/my master',
    ]) {
      expect(() => loadConfig({ REDIS_URL: wrong })).toThrow(
        'Setting REDIS_URL is invalid: a redis:// URL, or redis+sentinel://host:port,host:port/mastername',
      );
    }
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
