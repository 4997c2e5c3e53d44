import type { Redis } from 'ioredis';

export interface LoginLimits {
  /** Failed attempts on one account before it must wait; default 5. */
  readonly freeAttempts?: number;
  /** The first wait after the free attempts, doubled by each further failure; default 15 s. */
  readonly baseDelayMs?: number;
  /** The longest wait; default one hour. */
  readonly maxDelayMs?: number;
  /** Failures from one address before its attempts are slowed down; default 50. */
  readonly addressAttempts?: number;
  /** How long failures are remembered after the last one; default one day. */
  readonly memorySeconds?: number;
}

/**
 * Slows password guessing, counted in Redis so every web process agrees.
 *
 * Per account (the account the name resolves to, or the normalised name when there is none): a
 * few free failures, then a wait that doubles with every further failure. Spellings of one name
 * (" admin", "ADMIN\t") share one count, since they sign in to one account.
 *
 * Per address, only a slow-down: a whole office, or every user behind the reverse proxy, may share
 * one address, so failures from it never lock anyone out; they make its answers come later.
 */
export class LoginLimiter {
  readonly #free: number;
  readonly #base: number;
  readonly #max: number;
  readonly #addressFree: number;
  readonly #memory: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    limits: LoginLimits = {},
  ) {
    this.#free = limits.freeAttempts ?? 5;
    this.#base = limits.baseDelayMs ?? 15_000;
    this.#max = limits.maxDelayMs ?? 3600_000;
    this.#addressFree = limits.addressAttempts ?? 50;
    this.#memory = limits.memorySeconds ?? 24 * 3600;
  }

  #failures = (account: string) => `${this.prefix}:login:failures:${account}`;
  #wait = (account: string) => `${this.prefix}:login:wait:${account}`;
  #address = (ip: string) => `${this.prefix}:login:ip:${ip}`;

  /** Milliseconds the account must still wait before a password is checked; 0 when it may try now. */
  async waitMs(account: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(this.#wait(account)));
  }

  /** How long to hold back an answer to this address: nothing until it has failed often. */
  async slowDownMs(ip: string): Promise<number> {
    const failures = Number((await this.redis.get(this.#address(ip))) ?? 0);
    const over = failures - this.#addressFree;
    return over <= 0 ? 0 : Math.min(250 * over, 5000);
  }

  async failed(account: string, ip: string): Promise<void> {
    const failuresKey = this.#failures(account);
    const result = await this.redis
      .multi()
      .incr(failuresKey)
      .expire(failuresKey, this.#memory)
      .incr(this.#address(ip))
      .expire(this.#address(ip), 900, 'NX')
      .exec();
    const failures = Number(result?.[0]?.[1] ?? 0);
    if (failures < this.#free) return;
    const delay = Math.min(this.#base * 2 ** (failures - this.#free), this.#max);
    await this.redis.set(this.#wait(account), '1', 'PX', delay);
  }

  async succeeded(account: string): Promise<void> {
    await this.redis.del(this.#failures(account), this.#wait(account));
  }
}
