import type { Redis } from 'ioredis';

export interface LoginLimits {
  /** Failed attempts allowed per window; default 5. */
  readonly attempts?: number;
  /** Default 15 minutes. */
  readonly windowSeconds?: number;
}

/**
 * Slows password guessing: after too many failures for a username, or from one address, further
 * attempts are refused until the window passes. Counted in Redis so every web process agrees.
 */
export class LoginLimiter {
  readonly #max: number;
  readonly #window: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    limits: LoginLimits = {},
  ) {
    this.#max = limits.attempts ?? 5;
    this.#window = limits.windowSeconds ?? 900;
  }

  #keys(username: string, ip: string): string[] {
    return [`${this.prefix}:login:user:${username.toLowerCase()}`, `${this.prefix}:login:ip:${ip}`];
  }

  /** One address may be a whole office behind NAT, so it gets ten times a username's allowance. */
  async blocked(username: string, ip: string): Promise<boolean> {
    const [byUser, byIp] = await this.redis.mget(...this.#keys(username, ip));
    return Number(byUser ?? 0) >= this.#max || Number(byIp ?? 0) >= this.#max * 10;
  }

  async failed(username: string, ip: string): Promise<void> {
    const multi = this.redis.multi();
    for (const key of this.#keys(username, ip)) multi.incr(key).expire(key, this.#window, 'NX');
    await multi.exec();
  }

  async succeeded(username: string): Promise<void> {
    await this.redis.del(this.#keys(username, '')[0] as string);
  }
}
