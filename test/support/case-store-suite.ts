import { fileURLToPath } from 'node:url';
import { asc, count, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnitCalendars } from '../../src/cases/calendars.js';
import { CaseService } from '../../src/cases/case-service.js';
import type { SavedTransition } from '../../src/cases/case-store.js';
import { SopVersionConflictError, UnknownSopError } from '../../src/cases/errors.js';
import { SopRegistry } from '../../src/cases/sop-registry.js';
import type { Database } from '../../src/db/client.js';
import { addOfficial } from '../../src/db/officials.js';
import { caseEvents, cases, stepInstances, ticketCounters, units } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';
import { loadSopFile } from '../../src/sop/catalog.js';
import { CaseRejectedError } from '../../src/sop/errors.js';
import { DEFAULT_HOLIDAYS_FILE, loadHolidays } from '../../src/sop/holidays.js';
import { ALWAYS_WORKING } from '../../src/sop/working-calendar.js';

const kilat = loadSopFile(fileURLToPath(new URL('../fixtures/sops-kilat/kilat.yaml', import.meta.url)));

/**
 * The case store's behaviour, written once and run on both databases the service supports:
 * real Postgres (the full suite) and embedded PGlite (what a newcomer runs on).
 */
export function caseStoreSuite(open: () => Promise<Database>): void {
  let database: Database;
  let service: CaseService;
  let registry: SopRegistry;
  const scheduled: SavedTransition[] = [];
  let pelaksana = '';
  let kepala = '';

  beforeAll(async () => {
    database = await open();
    await database.db.insert(units).values({ id: 'u1', name: 'Unit', workingHours: ALWAYS_WORKING });
    kepala = await addOfficial(database.db, { nip: '2', name: 'Kepala', roleId: 'kepala', unitId: 'u1' });
    pelaksana = await addOfficial(database.db, {
      nip: '1',
      name: 'Pelaksana',
      roleId: 'pelaksana',
      unitId: 'u1',
      superiorNip: '2',
    });
    registry = new SopRegistry(database.db);
    await registry.register([kilat]);
    service = new CaseService({
      db: database.db,
      sops: registry,
      calendars: new UnitCalendars(database.db, [], 'WIB'),
      afterCommit: { schedule: async (saved) => void scheduled.push(saved) },
      log: createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }),
    });
  });

  afterAll(async () => {
    await database.close();
  });

  describe('when a case is submitted', () => {
    it('numbers tickets per prefix and year, and opens the first step with its timer', async () => {
      const year = new Date().getUTCFullYear();
      const a = await service.submit({ sopId: 'kilat', unitId: 'u1', body: 'satu' });
      const b = await service.submit({ sopId: 'kilat', unitId: 'u1', body: 'dua' });
      expect(a.ticket).toBe(`KLT-${year}-000001`);
      expect(b.ticket).toBe(`KLT-${year}-000002`);
      const [step] = await database.db.select().from(stepInstances).where(eq(stepInstances.caseId, a.caseId));
      expect(step).toMatchObject({ id: `${a.caseId}_1`, stepId: '1', leftAt: null, nextRung: 0 });
      expect(scheduled.some((s) => s.timers.some((t) => t.instanceId === `${a.caseId}_1` && t.rung === 0))).toBe(true);
    });

    it('gives concurrent submissions distinct numbers, going on from the counter of earlier versions', async () => {
      // A database from before ticket sequences: its counter for 2031 stood at 41.
      await database.db.insert(ticketCounters).values({ prefix: 'KLT', year: 2031, last: 41 });
      const in2031 = new CaseService({
        db: database.db,
        sops: registry,
        calendars: new UnitCalendars(database.db, [], 'WIB'),
        afterCommit: { schedule: async () => {} },
        log: createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }),
        now: () => new Date('2031-03-03T03:00:00Z'),
      });
      const filed = await Promise.all(
        Array.from({ length: 12 }, (_, i) => in2031.submit({ sopId: 'kilat', unitId: 'u1', body: `serentak ${i}` })),
      );
      const numbers = filed.map((f) => Number(f.ticket.replace('KLT-2031-', ''))).sort((a, b) => a - b);
      expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => 42 + i));
      const stored = await database.db.select({ ticket: cases.ticket }).from(cases);
      expect(stored.filter((c) => c.ticket.startsWith('KLT-2031-'))).toHaveLength(12);
    });

    it('takes turns among the holders of a step when submissions come side by side', async () => {
      await database.db.insert(units).values({ id: 'giliran', name: 'Unit Giliran', workingHours: ALWAYS_WORKING });
      await addOfficial(database.db, { nip: '20', name: 'Kepala Giliran', roleId: 'kepala', unitId: 'giliran' });
      const staff = await Promise.all(
        ['21', '22', '23'].map((nip) =>
          addOfficial(database.db, {
            nip,
            name: `Staf ${nip}`,
            roleId: 'pelaksana',
            unitId: 'giliran',
            superiorNip: '20',
          }),
        ),
      );
      const filed = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          service.submit({ sopId: 'kilat', unitId: 'giliran', body: `giliran ${i}` }),
        ),
      );
      const firstSteps = await Promise.all(
        filed.map(async ({ caseId }) => {
          const [step] = await database.db
            .select({ assigneeId: stepInstances.assigneeId })
            .from(stepInstances)
            .where(eq(stepInstances.id, `${caseId}_1`));
          return step?.assigneeId;
        }),
      );
      for (const official of staff) expect(firstSteps.filter((a) => a === official)).toHaveLength(2);
    });

    it('files once when the same idempotency key comes twice', async () => {
      const a = await service.submit({ sopId: 'kilat', unitId: 'u1', body: 'x', idempotencyKey: 'web-123' });
      const b = await service.submit({ sopId: 'kilat', unitId: 'u1', body: 'x', idempotencyKey: 'web-123' });
      expect(b).toEqual({ ...a, duplicate: true });
    });

    it('files submissions made side by side in one transaction, each with its own ticket, step and trail', async () => {
      const filed = await Promise.all(
        Array.from({ length: 5 }, (_, i) => service.submit({ sopId: 'kilat', unitId: 'u1', body: `bersama ${i}` })),
      );
      const numbers = filed.map((f) => Number(f.ticket.slice(-6)));
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
      expect(new Set(numbers).size).toBe(5);
      const ids = filed.map((f) => f.caseId);
      const rows = await database.db
        .select({ id: cases.id, ticket: cases.ticket, body: cases.body, xmin: sql<string>`${cases}.xmin::text` })
        .from(cases)
        .where(inArray(cases.id, ids));
      expect(new Set(rows.map((r) => r.xmin)).size).toBe(1);
      for (const [i, f] of filed.entries()) {
        expect(rows.find((r) => r.id === f.caseId)).toMatchObject({ ticket: f.ticket, body: `bersama ${i}` });
      }
      const steps = await database.db
        .select({ caseId: stepInstances.caseId, assigneeId: stepInstances.assigneeId })
        .from(stepInstances)
        .where(inArray(stepInstances.caseId, ids));
      expect(steps.map((s) => s.caseId).sort()).toEqual([...ids].sort());
      expect(steps.every((s) => s.assigneeId === pelaksana)).toBe(true);
      const trail = await database.db
        .select({ caseId: caseEvents.caseId, kind: caseEvents.kind })
        .from(caseEvents)
        .where(inArray(caseEvents.caseId, ids));
      for (const id of ids) expect(trail.filter((e) => e.caseId === id).length).toBeGreaterThan(0);
      for (const id of ids) {
        expect(scheduled.some((s) => s.timers.some((t) => t.instanceId === `${id}_1` && t.rung === 0))).toBe(true);
      }
    });

    it('files the others of a group when one fails, and that one fails with its own error', async () => {
      const results = await Promise.allSettled([
        service.submit({ sopId: 'kilat', unitId: 'u1', body: 'baik 1' }),
        service.submit({ sopId: 'tiada', unitId: 'u1', body: 'SOP tak dikenal' }),
        service.submit({ sopId: 'kilat', unitId: 'u1', body: 'pemangku tak dikenal', stakeholderId: 'tiada' }),
        service.submit({ sopId: 'kilat', unitId: 'u1', body: 'baik 2' }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(UnknownSopError);
      const good = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.caseId] : []));
      const stored = await database.db.select({ body: cases.body }).from(cases).where(inArray(cases.id, good));
      expect(stored.map((c) => c.body).sort()).toEqual(['baik 1', 'baik 2']);
      const [strays] = await database.db
        .select({ n: count() })
        .from(cases)
        .where(inArray(cases.body, ['SOP tak dikenal', 'pemangku tak dikenal']));
      expect(strays?.n).toBe(0);
    });

    it('files once when the same idempotency key comes twice side by side, or again after', async () => {
      const [a, b] = await Promise.all([
        service.submit({ sopId: 'kilat', unitId: 'u1', body: 'y', idempotencyKey: 'web-456' }),
        service.submit({ sopId: 'kilat', unitId: 'u1', body: 'y', idempotencyKey: 'web-456' }),
        service.submit({ sopId: 'kilat', unitId: 'u1', body: 'y', idempotencyKey: 'web-789' }),
      ]);
      expect(a?.duplicate).toBe(false);
      expect(b).toEqual({ ...a, duplicate: true });
      const again = await Promise.all([
        service.submit({ sopId: 'kilat', unitId: 'u1', body: 'y', idempotencyKey: 'web-456' }),
        service.submit({ sopId: 'kilat', unitId: 'u1', body: 'z' }),
      ]);
      expect(again[0]).toEqual({ ...a, duplicate: true });
      const [filed] = await database.db.select({ n: count() }).from(cases).where(eq(cases.body, 'y'));
      expect(filed?.n).toBe(2);
    });
  });

  describe('when an official acts', () => {
    it('closes the step with its outcome and opens the next one', async () => {
      const { caseId } = await service.submit({ sopId: 'kilat', unitId: 'u1', body: 'x' });
      await service.dispatch(caseId, { type: 'act', instanceId: `${caseId}_1`, action: 'setuju', actorId: pelaksana });
      const steps = await database.db
        .select()
        .from(stepInstances)
        .where(eq(stepInstances.caseId, caseId))
        .orderBy(asc(stepInstances.seq));
      expect(steps.map((s) => [s.stepId, s.outcome, s.actorId, s.leftAt !== null])).toEqual([
        ['1', 'setuju', pelaksana, true],
        ['2', null, null, false],
      ]);
      expect(steps[1]?.assigneeId).toBe(kepala);
    });

    it('leaves the case unchanged when the event is refused', async () => {
      const { caseId } = await service.submit({ sopId: 'kilat', unitId: 'u1', body: 'x' });
      const before = await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId));
      await expect(
        service.dispatch(caseId, { type: 'act', instanceId: `${caseId}_1`, action: 'setuju', actorId: kepala }),
      ).rejects.toBeInstanceOf(CaseRejectedError);
      const after = await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId));
      expect(after).toEqual(before);
      const [step] = await database.db.select().from(stepInstances).where(eq(stepInstances.caseId, caseId));
      expect(step?.leftAt).toBeNull();
    });
  });

  describe('when a step is left', () => {
    it('records the working time it took: office hours only, no weekend, no national holiday', async () => {
      await database.db.insert(units).values({ id: 'kantor', name: 'Kantor', timeZone: 'Asia/Jakarta' });
      await addOfficial(database.db, { nip: '3', name: 'Pelaksana Kantor', roleId: 'pelaksana', unitId: 'kantor' });
      let now = new Date('2026-08-14T08:00:00Z'); // Friday 15:00 WIB
      const clocked = new CaseService({
        db: database.db,
        sops: registry,
        calendars: new UnitCalendars(database.db, loadHolidays(DEFAULT_HOLIDAYS_FILE), 'WIB'),
        afterCommit: { schedule: async () => {} },
        log: createLogger({ LOG_LEVEL: 'silent', NODE_ENV: 'test' }),
        now: () => now,
      });
      const { caseId } = await clocked.submit({ sopId: 'kilat', unitId: 'kantor', body: 'x' });
      const [opened] = await database.db.select().from(stepInstances).where(eq(stepInstances.caseId, caseId));
      now = new Date('2026-08-18T02:00:00Z'); // Tuesday 09:00 WIB; Monday 17 August is a holiday
      await clocked.dispatch(caseId, {
        type: 'act',
        instanceId: `${caseId}_1`,
        action: opened?.stepId === '1' ? 'setuju' : 'lanjut',
        actorId: opened?.assigneeId ?? '',
      });
      const [left] = await database.db
        .select()
        .from(stepInstances)
        .where(eq(stepInstances.id, `${caseId}_1`));
      expect(left?.workingMs).toBe(2 * 3600_000);
    });
  });

  describe('when a new version of an SOP is registered', () => {
    it('runs new cases on it while open cases keep the version they started on', async () => {
      const old = await service.submit({ sopId: 'kilat', unitId: 'u1', body: 'x' });
      const v2 = structuredClone(kilat);
      Object.assign(v2, { version: 2, title: 'SOP uji versi 2' });
      const step1 = v2.steps.find((s) => s.id === '1');
      if (!step1) throw new Error('fixture changed');
      step1.actions = [{ ...step1.actions[0], id: 'lanjut' } as (typeof step1.actions)[number]];
      await registry.register([v2]);
      const fresh = await service.submit({ sopId: 'kilat', unitId: 'u1', body: 'x' });
      await expect(
        service.dispatch(fresh.caseId, {
          type: 'act',
          instanceId: `${fresh.caseId}_1`,
          action: 'setuju',
          actorId: pelaksana,
        }),
      ).rejects.toMatchObject({ code: 'unknown_action' });
      await service.dispatch(fresh.caseId, {
        type: 'act',
        instanceId: `${fresh.caseId}_1`,
        action: 'lanjut',
        actorId: pelaksana,
      });
      const moved = await service.dispatch(old.caseId, {
        type: 'act',
        instanceId: `${old.caseId}_1`,
        action: 'setuju',
        actorId: pelaksana,
      });
      expect(moved.state.sopVersion).toBe(1);
      expect(moved.state.openStep?.stepId).toBe('2');
    });

    it('refuses a changed definition that kept its version number', async () => {
      const changed = { ...kilat, title: 'diubah tanpa menaikkan versi' };
      await expect(registry.register([changed])).rejects.toBeInstanceOf(SopVersionConflictError);
    });
  });
}
