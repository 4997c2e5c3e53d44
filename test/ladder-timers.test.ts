import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import type { Database } from '../src/db/client.js';
import { addOfficial, linkChannel } from '../src/db/officials.js';
import { caseEvents, messages, officials, stepInstances, units } from '../src/db/schema.js';
import { ALWAYS_WORKING } from '../src/sop/working-calendar.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { freshDatabase } from './support/postgres.js';

const config = testConfig({
  SOPS_DIR: fileURLToPath(new URL('./fixtures/sops-tangga', import.meta.url)),
  HOLIDAYS_FILE: fileURLToPath(new URL('./fixtures/no-holidays.yaml', import.meta.url)),
  DEFAULT_UNIT: 'kilat',
});

let database: Database;
let pelaksana: string;
let kepala: string;
let pimpinan: string;
let admin: string;
let kepalaRendah: string;

beforeAll(async () => {
  database = await freshDatabase();
  await database.db.insert(units).values({ id: 'kilat', name: 'Unit Kilat', workingHours: ALWAYS_WORKING });
  pimpinan = await addOfficial(database.db, { nip: '3', name: 'Pimpinan', roleId: 'pimpinan', unitId: 'kilat' });
  kepala = await addOfficial(database.db, {
    nip: '2',
    name: 'Kepala',
    roleId: 'kepala',
    unitId: 'kilat',
    superiorNip: '3',
  });
  pelaksana = await addOfficial(database.db, {
    nip: '1',
    name: 'Pelaksana',
    roleId: 'pelaksana',
    unitId: 'kilat',
    superiorNip: '2',
  });
  admin = await addOfficial(database.db, { nip: '9', name: 'Admin Unit', roleId: 'admin-unit', unitId: 'kilat' });
  await database.db.update(officials).set({ receivesAlerts: true }).where(eq(officials.id, admin));
  // A unit whose escalations stop at the pelaksana, below the SOP's own ceiling (the kepala).
  await database.db
    .insert(units)
    .values({ id: 'rendah', name: 'Unit Rendah', workingHours: ALWAYS_WORKING, escalationCeiling: 'pelaksana' });
  kepalaRendah = await addOfficial(database.db, {
    nip: '12',
    name: 'Kepala Rendah',
    roleId: 'kepala',
    unitId: 'rendah',
  });
  const pelaksanaRendah = await addOfficial(database.db, {
    nip: '11',
    name: 'Pelaksana Rendah',
    roleId: 'pelaksana',
    unitId: 'rendah',
    superiorNip: '12',
  });
  for (const id of [pimpinan, kepala, pelaksana, admin, kepalaRendah, pelaksanaRendah])
    await linkChannel(database.db, { kind: 'official', id }, 'log', `chat-${id}`);
});

afterAll(async () => {
  await database.close();
});

async function withApp<T>(run: (app: App) => Promise<T>): Promise<T> {
  const app = await testApp(database, config, { queuePrefix: `siput-test-${randomUUID()}` });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

const eventsOf = (caseId: string) =>
  database.db
    .select({ kind: caseEvents.kind, at: caseEvents.at, target: caseEvents.target, note: caseEvents.note })
    .from(caseEvents)
    .where(eq(caseEvents.caseId, caseId))
    .orderBy(asc(caseEvents.id));

describe('a ladder with a heads-up before the deadline and a ceiling (real BullMQ timers)', () => {
  it('reminds once before the deadline, once at it, escalates to the kepala, then alerts the admins instead of the pimpinan', async () => {
    await withApp(async (app) => {
      const { caseId } = await app.cases.submit({ sopId: 'tangga', unitId: 'kilat', body: 'uji' });
      const [step] = await database.db
        .select()
        .from(stepInstances)
        .where(eq(stepInstances.id, `${caseId}_1`));
      const dueAt = step?.dueAt ?? new Date(0);
      const events = await eventually('the second escalation', async () => {
        const rows = await eventsOf(caseId);
        return rows.filter((e) => e.kind === 'escalated').length >= 2 ? rows : null;
      });
      const timed = events.filter((e) => e.kind === 'reminded' || e.kind === 'escalated');
      expect(timed.map((e) => [e.kind, e.target, e.note])).toEqual([
        ['reminded', pelaksana, null],
        ['reminded', pelaksana, null],
        ['escalated', kepala, null],
        ['escalated', null, 'ceiling kepala'],
      ]);
      expect(timed[0]?.at.getTime()).toBeLessThan(dueAt.getTime());
      expect(timed[1]?.at.getTime()).toBeGreaterThanOrEqual(dueAt.getTime());
      const sent = await eventually('the admins’ alert', async () => {
        const rows = await database.db
          .select({ template: messages.template, recipient: messages.recipientId })
          .from(messages)
          .where(eq(messages.caseId, caseId))
          .orderBy(asc(messages.createdAt));
        return rows.some((m) => m.recipient === admin) ? rows : null;
      });
      expect(sent.filter((m) => m.template === 'step.escalation').map((m) => m.recipient)).toEqual([kepala, admin]);
      expect(sent.some((m) => m.recipient === pimpinan)).toBe(false);
    });
  });

  it('stops at the unit’s own ceiling when it is lower than the SOP’s, alerting the admins instead of the kepala', async () => {
    await withApp(async (app) => {
      const { caseId } = await app.cases.submit({ sopId: 'tangga', unitId: 'rendah', body: 'uji' });
      const events = await eventually('the escalation', async () => {
        const rows = await eventsOf(caseId);
        return rows.some((e) => e.kind === 'escalated') ? rows : null;
      });
      expect(events.filter((e) => e.kind === 'escalated').map((e) => [e.target, e.note])).toEqual([
        [null, 'ceiling pelaksana'],
      ]);
      const sent = await eventually('the admins’ alert', async () => {
        const rows = await database.db
          .select({ template: messages.template, recipient: messages.recipientId })
          .from(messages)
          .where(eq(messages.caseId, caseId));
        return rows.some((m) => m.recipient === admin) ? rows : null;
      });
      expect(sent.some((m) => m.recipient === kepalaRendah)).toBe(false);
    });
  });

  it('cancels the heads-up when the official acts before it', async () => {
    await withApp(async (app) => {
      const { caseId } = await app.cases.submit({ sopId: 'tangga', unitId: 'kilat', body: 'uji' });
      await app.cases.dispatch(caseId, {
        type: 'act',
        instanceId: `${caseId}_1`,
        action: 'setuju',
        actorId: pelaksana,
      });
      // Past every rung of step 1 (heads-up at 3.2 s … ceiling at 8 s).
      await new Promise((r) => setTimeout(r, 9000));
      const events = await eventsOf(caseId);
      expect(events.filter((e) => e.kind === 'reminded' || e.kind === 'escalated')).toEqual([]);
    });
  }, 90_000);
});
