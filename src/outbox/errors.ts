/** The channel answered "no" for good (blocked by the user, chat gone): do not retry; dead-letter. */
export class ChannelRefusedError extends Error {
  override readonly name = 'ChannelRefusedError';
  readonly code = 'channel_refused';
  constructor(
    message: string,
    /** True when the address itself is unusable (e.g. the user blocked the bot): the link is deactivated. */
    readonly addressGone = false,
  ) {
    super(message);
  }
}

/** The channel could not be reached (network, 5xx): retry with backoff. */
export class ChannelUnreachableError extends Error {
  override readonly name = 'ChannelUnreachableError';
  readonly code = 'channel_unreachable';
}

/** The channel asked us to slow down: retry after the given time, without counting an attempt. */
export class ChannelRateLimitedError extends Error {
  override readonly name = 'ChannelRateLimitedError';
  readonly code = 'channel_rate_limited';
  constructor(readonly retryAfterMs: number) {
    super(`rate limited; retry after ${retryAfterMs} ms`);
  }
}
