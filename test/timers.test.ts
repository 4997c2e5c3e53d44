import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { caseEvents, messages, units } from '../src/db/schema.js';
import { ALWAYS_WORKING } from '../src/sop/working-calendar.js';
import { eventually, REDIS_URL, testApp, testConfig } from './support/app.js';
import { KILAT_SETTINGS, seedKilatUnit } from './support/kilat.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig(KILAT_SETTINGS);

let database: Database;
let pelaksana: string;
let kepala: string;

beforeAll(async () => {
  database = await freshDatabase();
  ({ kepala, pelaksana } = await seedKilatUnit(database.db, { linked: ['pimpinan', 'kepala', 'pelaksana'] }));
});

afterAll(async () => {
  await database.close();
});

async function templatesFor(caseId: string) {
  const rows = await database.db
    .select({ template: messages.template, recipient: messages.recipientId, status: messages.status })
    .from(messages)
    .where(eq(messages.caseId, caseId))
    .orderBy(asc(messages.createdAt));
  return rows;
}

async function withApp<T>(prefix: string, run: (app: App) => Promise<T>): Promise<T> {
  const app = await testApp(database, config, { queuePrefix: prefix });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

async function submit(app: App) {
  return app.cases.submit({ sopId: 'kilat', unitId: 'kilat', body: 'uji' });
}

describe('when a step runs past its deadline', () => {
  it('reminds the owner twice, then escalates to the superior, in order and once each', async () => {
    await withApp(`siput-test-${randomUUID()}`, async (app) => {
      const { caseId } = await submit(app);
      const rows = await eventually('the escalation', async () => {
        const r = await templatesFor(caseId);
        return r.some((m) => m.template === 'step.escalation' && m.status === 'sent') ? r : null;
      });
      await new Promise((r) => setTimeout(r, 1500));
      const settled = await templatesFor(caseId);
      expect(settled).toEqual(rows);
      expect(settled.map((m) => [m.template, m.recipient])).toEqual([
        ['step.assigned', pelaksana],
        ['step.reminder', pelaksana],
        ['step.reminder', pelaksana],
        ['step.escalation', kepala],
      ]);
      expect(settled.every((m) => m.status === 'sent')).toBe(true);
      const log = app.channels.get('log') as unknown as { sent: { id: string }[] };
      const ids = new Set(log.sent.map((m) => m.id));
      expect(ids.size).toBe(log.sent.length);
    });
  });

  it('sends no reminder when the official acts before the deadline', async () => {
    await withApp(`siput-test-${randomUUID()}`, async (app) => {
      const { caseId } = await submit(app);
      const state = await app.cases.dispatch(caseId, {
        type: 'act',
        instanceId: `${caseId}_1`,
        action: 'setuju',
        actorId: pelaksana,
      });
      expect(state.state.openStep?.stepId).toBe('2');
      await new Promise((r) => setTimeout(r, 4500));
      const templates = (await templatesFor(caseId)).map((m) => m.template);
      expect(templates).toEqual(['step.assigned', 'step.assigned']);
    });
  });
});

describe('when many deadlines fall due together', () => {
  it('fires every reminder and escalation of every case exactly once', async () => {
    // A unit of its own whose officials have no chat: the reminders are written (undeliverable)
    // and leave no sends queued behind the other tests' messages to the same chats.
    await database.db.insert(units).values({ id: 'serentak', name: 'Unit Serentak', workingHours: ALWAYS_WORKING });
    await addOfficial(database.db, { nip: '13', name: 'Pimpinan S', roleId: 'pimpinan', unitId: 'serentak' });
    await addOfficial(database.db, {
      nip: '12',
      name: 'Kepala S',
      roleId: 'kepala',
      unitId: 'serentak',
      superiorNip: '13',
    });
    for (const nip of ['10', '11']) {
      await addOfficial(database.db, {
        nip,
        name: `Pelaksana ${nip}`,
        roleId: 'pelaksana',
        unitId: 'serentak',
        superiorNip: '12',
      });
    }
    await withApp(`siput-test-${randomUUID()}`, async (app) => {
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const filed = await Promise.all(
          Array.from({ length: 20 }, () => app.cases.submit({ sopId: 'kilat', unitId: 'serentak', body: 'serentak' })),
        );
        ids.push(...filed.map((s) => s.caseId));
      }
      const escalated = async () =>
        (
          await database.db
            .select({ caseId: caseEvents.caseId })
            .from(caseEvents)
            .where(eq(caseEvents.kind, 'escalated'))
        )
          .map((e) => e.caseId)
          .filter((id) => ids.includes(id));
      await eventually(
        'every escalation',
        async () => ((await escalated()).length >= ids.length ? true : null),
        120_000,
      );
      // A late duplicate would show up after the last rung: give it time to.
      await new Promise((r) => setTimeout(r, 1500));
      const events = (
        await database.db
          .select({ caseId: caseEvents.caseId, kind: caseEvents.kind })
          .from(caseEvents)
          .where(inArray(caseEvents.caseId, ids))
      ).filter((e) => e.kind === 'reminded' || e.kind === 'escalated');
      for (const id of ids) {
        const kinds = events.filter((e) => e.caseId === id).map((e) => e.kind);
        expect(kinds.sort()).toEqual(['escalated', 'reminded', 'reminded']);
      }
      const sent = await database.db
        .select({ caseId: messages.caseId, template: messages.template })
        .from(messages)
        .where(and(inArray(messages.caseId, ids), inArray(messages.template, ['step.reminder', 'step.escalation'])));
      expect(sent).toHaveLength(ids.length * 3);
    });
    // Filing and firing 120 cases on a loaded machine: a bound on the test, not a speed check.
  }, 150_000);
});

describe('when the worker stops before a deadline', () => {
  it('a new worker fires the timer the old one left behind', async () => {
    const prefix = `siput-test-${randomUUID()}`;
    const caseId = await withApp(prefix, async (app) => (await submit(app)).caseId);
    await withApp(prefix, async () => {
      await eventually('the first reminder', async () =>
        (await templatesFor(caseId)).some((m) => m.template === 'step.reminder' && m.status === 'sent'),
      );
    });
  });
});

describe('when Redis loses its data while the service is down', () => {
  it('reconciles at start-up and fires the missed deadline exactly once', async () => {
    const prefix = `siput-test-${randomUUID()}`;
    const caseId = await withApp(prefix, async (app) => (await submit(app)).caseId);
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    redis.disconnect();
    // Let the deadline pass while nothing runs.
    await new Promise((r) => setTimeout(r, 2500));
    await withApp(prefix, async () => {
      await eventually('the escalation after the missed deadline', async () =>
        (await templatesFor(caseId)).some((m) => m.template === 'step.escalation' && m.status === 'sent'),
      );
      await new Promise((r) => setTimeout(r, 1000));
      const kinds = (
        await database.db.select({ kind: caseEvents.kind }).from(caseEvents).where(eq(caseEvents.caseId, caseId))
      ).map((e) => e.kind);
      expect(kinds.filter((k) => k === 'reminded')).toHaveLength(2);
      expect(kinds.filter((k) => k === 'escalated')).toHaveLength(1);
      const assigned = (await templatesFor(caseId)).filter((m) => m.template === 'step.assigned');
      expect(assigned).toHaveLength(1);
    });
  });
});

describe('when the same event is delivered twice', () => {
  it('acts once', async () => {
    await withApp(`siput-test-${randomUUID()}`, async (app) => {
      const { caseId } = await submit(app);
      const act = { type: 'act' as const, instanceId: `${caseId}_1`, action: 'setuju', actorId: pelaksana };
      const first = await app.cases.dispatch(caseId, act, 'tg-update-42');
      const second = await app.cases.dispatch(caseId, act, 'tg-update-42');
      expect(first.duplicate).toBe(false);
      expect(second.duplicate).toBe(true);
      const acted = await database.db
        .select()
        .from(caseEvents)
        .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.kind, 'acted')));
      expect(acted).toHaveLength(1);
      expect(second.state.openStep?.stepId).toBe('2');
    });
  });

  it('applies once an event the engine itself would take again, by its claimed key alone', async () => {
    await withApp(`siput-test-${randomUUID()}`, async (app) => {
      const { caseId } = await submit(app);
      await app.cases.dispatch(caseId, {
        type: 'act',
        instanceId: `${caseId}_1`,
        action: 'setuju',
        actorId: pelaksana,
      });
      // Handing a step to an official is accepted however often it is asked: the engine refuses no repeat.
      const reassign = { type: 'reassign' as const, instanceId: `${caseId}_2`, toOfficialId: kepala, by: 'admin' };
      const reassigned = async () =>
        (
          await database.db
            .select()
            .from(caseEvents)
            .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.kind, 'reassigned')))
        ).length;
      expect((await app.cases.dispatch(caseId, reassign, 'console-form-7')).duplicate).toBe(false);
      expect((await app.cases.dispatch(caseId, reassign, 'console-form-7')).duplicate).toBe(true);
      expect(await reassigned()).toBe(1);
      // Without a key the same event is applied again: the claim above is what kept it to one.
      await app.cases.dispatch(caseId, reassign);
      expect(await reassigned()).toBe(2);
    });
  });
});
