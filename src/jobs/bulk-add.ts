import { Job, type JobsOptions, type Queue } from 'bullmq';

/** A job for one of the queues, as Queue.addBulk takes it. */
export interface QueuedJob {
  readonly queue: Queue;
  readonly name: string;
  readonly data: unknown;
  readonly opts: JobsOptions;
}

/**
 * Adds jobs of several queues that share one Redis connection in one pipeline: each job as
 * Queue.addBulk would make it (the queue's default options under the job's own, its jobId), in
 * the order given. An addBulk per queue cost a pipeline, a write and a reply each, a fixed cost
 * larger than its jobs' (issue 17: a submission queues a timer and its messages). A pipeline is
 * no transaction: a job that fails to add fails the call and the others stay added, as with
 * addBulk; job ids make adding them again harmless.
 */
export async function addInOnePipeline(jobs: readonly QueuedJob[]): Promise<void> {
  const queues = [...new Set(jobs.map((j) => j.queue))];
  const clients = new Set(await Promise.all(queues.map((q) => q.client)));
  const [client] = clients;
  if (!client) return;
  if (clients.size > 1) throw new Error('addInOnePipeline: the queues must share one connection');
  const pipeline = client.pipeline();
  for (const { queue, name, data, opts } of jobs) {
    const job = new Job(queue, name, data, { ...queue.defaultJobOptions, ...opts, jobId: opts.jobId }, opts.jobId);
    // Its promise is the pipeline's reply for this job, read below from exec's results.
    void job.addJob(pipeline, { parentKey: undefined, parentDependenciesKey: '' });
  }
  const results = (await pipeline.exec()) ?? [];
  for (const [err] of results) if (err) throw err;
}
