import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueUnavailableError } from '../src/jobs/errors.js';
import { JobQueues } from '../src/jobs/queues.js';
import { REDIS_URL } from './support/app.js';

const opened: { queues: JobQueues; connection: Redis }[] = [];

function queuesOn(url: string) {
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const queues = new JobQueues({ connection, prefix: `siput-test-${randomUUID()}` });
  opened.push({ queues, connection });
  return { queues, connection };
}

afterEach(async () => {
  for (const { queues, connection } of opened.splice(0)) {
    await queues.close().catch(() => {});
    connection.disconnect();
  }
});

describe('queuing while the Redis connection is still being made', () => {
  it('waits for it instead of refusing the job (a service or worker that has just started)', async () => {
    const { queues, connection } = queuesOn(REDIS_URL);
    expect(connection.status).not.toBe('ready');
    const id = randomUUID();
    await queues.addMessage(id, 'log');
    expect(await queues.outbox('log').getJob(id)).toBeDefined();
  });

  it('gives up within a second when Redis never answers', async () => {
    // Port 1 refuses: the connection keeps retrying and is never ready.
    const { queues } = queuesOn('redis://127.0.0.1:1');
    const started = Date.now();
    await expect(queues.addMessage(randomUUID(), 'log')).rejects.toBeInstanceOf(QueueUnavailableError);
    // Its bound is a second; a busy machine may add some, but not the ever of BullMQ's own wait.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
