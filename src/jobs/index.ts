// The public face of src/jobs (BullMQ queues, workers, leases and the reconciler): other folders import from here, not from the modules inside.
export { ChannelWatch } from './channel-watch.js';
export { DatabaseLossWatch } from './database-loss-watch.js';
export { EmailFallback } from './email-fallback.js';
export { warnIfNextYearUnconfirmed } from './holiday-watch.js';
export { KeyspaceWatch } from './keyspace-watch.js';
export { Lease } from './lease.js';
export { lineAlert } from './line-alert.js';
export { startOutboxWorker } from './outbox-worker.js';
export { JobQueues, outboxQueueName, TIMERS_QUEUE } from './queues.js';
export { reconcile } from './reconciler.js';
export { bullConnection, ensureRedis, openRedis, type RedisHandle, redisTarget } from './redis.js';
export { ensureRetentionSchedule, startRetentionWorker } from './retention-worker.js';
export { SopWatch } from './sop-watch.js';
export { TimerRush } from './timer-rush.js';
export { startTimerWorker } from './timer-worker.js';
