// The errors of src/jobs (Redis and the queues), in one place: each has a code; one a person reads has a message key.
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  readonly code = 'redis_unavailable';
}

/**
 * Redis did not take a job in time. The row it stands for is committed, and the reconciler queues
 * it when Redis answers again; the caller goes on.
 */
export class QueueUnavailableError extends Error {
  override readonly name = 'QueueUnavailableError';
  readonly code = 'queue_unavailable';
}
