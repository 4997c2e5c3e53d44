import type { Queue } from 'bullmq';
import { and, asc, eq, gt, isNotNull, isNull, notExists } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { cases, messages, pausedLines, stepInstances } from '../db/index.js';
import type { Logger } from '../log.js';
import { caseIdOf, timerJobId } from '../sop/index.js';
import { finalJobId, type JobQueues } from './queues.js';

const PAGE = 1000;

export interface ReconcileReport {
  readonly timersRequeued: number;
  readonly messagesRequeued: number;
}

/**
 * Makes Redis agree with Postgres: every open step has its next timer job, every closed case still
 * open to reopening the job that ends its window, and every pending message its send job, except
 * those waiting in a paused chat line (the admin's retry queues them). Run at start-up and whenever
 * Redis comes back, it restores what a flushed or lost Redis forgot. A deadline that passed
 * meanwhile is queued to run now; the engine's rung check and the jobId make it fire once.
 */
export async function reconcile(db: Db, queues: JobQueues, log: Logger, now = new Date()): Promise<ReconcileReport> {
  let timersRequeued = 0;
  let after = '';
  for (;;) {
    const page = await db
      .select({
        id: stepInstances.id,
        rung: stepInstances.nextRung,
        at: stepInstances.nextTimerAt,
        epoch: stepInstances.clockEpoch,
      })
      .from(stepInstances)
      .where(and(isNull(stepInstances.leftAt), isNotNull(stepInstances.nextTimerAt), gt(stepInstances.id, after)))
      .orderBy(asc(stepInstances.id))
      .limit(PAGE);
    for (const step of page) {
      if (!step.at) continue;
      if (await needsJob(queues.timers, timerJobId(step.id, step.rung, step.epoch))) {
        await queues.addTimer(caseIdOf(step.id), step.id, step.rung, step.at, now.getTime(), step.epoch);
        timersRequeued++;
      }
    }
    if (page.length < PAGE) break;
    after = page.at(-1)?.id ?? after;
  }

  // Closed cases whose reopening window is still running: the job that ends it.
  after = '';
  for (;;) {
    const page = await db
      .select({ id: cases.id, until: cases.reopenUntil })
      .from(cases)
      .where(and(eq(cases.status, 'closed'), isNotNull(cases.reopenUntil), gt(cases.id, after)))
      .orderBy(asc(cases.id))
      .limit(PAGE);
    for (const c of page) {
      if (c.until && (await needsJob(queues.timers, finalJobId(c.id, c.until)))) {
        await queues.addFinal(c.id, c.until, now.getTime());
        timersRequeued++;
      }
    }
    if (page.length < PAGE) break;
    after = page.at(-1)?.id ?? after;
  }

  // In the order written: a chat's messages queued out of it wait for their elders one by one
  // (each put back behind the queue), and a backlog of hundreds took minutes to go out.
  let messagesRequeued = 0;
  let afterSeq = 0;
  const inPausedLine = db
    .select({ head: pausedLines.headMessageId })
    .from(pausedLines)
    .where(and(eq(pausedLines.channel, messages.channel), eq(pausedLines.address, messages.address)));
  for (;;) {
    const page = await db
      .select({ id: messages.id, seq: messages.seq, channel: messages.channel })
      .from(messages)
      .where(and(eq(messages.status, 'pending'), gt(messages.seq, afterSeq), notExists(inPausedLine)))
      .orderBy(asc(messages.seq))
      .limit(PAGE);
    for (const m of page) {
      if (m.channel && (await needsJob(queues.outbox(m.channel), m.id))) {
        await queues.addMessage(m.id, m.channel);
        messagesRequeued++;
      }
    }
    if (page.length < PAGE) break;
    afterSeq = page.at(-1)?.seq ?? afterSeq;
  }
  if (timersRequeued + messagesRequeued > 0)
    log.info({ timersRequeued, messagesRequeued }, 'reconciled queues with the database');
  return { timersRequeued, messagesRequeued };
}

/**
 * A job is needed when none exists, or when the one kept finished without the row moving on
 * (it failed for good, or completed before a crash undid its transaction).
 */
async function needsJob(queue: Queue, jobId: string): Promise<boolean> {
  const job = await queue.getJob(jobId);
  if (!job) return true;
  const state = await job.getState();
  if (state === 'completed' || state === 'failed') {
    await job.remove();
    return true;
  }
  return false;
}
