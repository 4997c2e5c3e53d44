import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseState } from '../src/sop/case-state.js';
import { REPORTER_LIMIT_RUNG, REPORTER_REMINDER_RUNG } from '../src/sop/case-state.js';
import { parseSop } from '../src/sop/catalog.js';
import { apply, type EngineContext, NOT_COMPLETED } from '../src/sop/engine.js';
import { CaseRejectedError } from '../src/sop/errors.js';
import { DEFAULT_HOLIDAYS_FILE, loadHolidays } from '../src/sop/holidays.js';
import { activeWorkingMs, timeLeftParams } from '../src/sop/step-clock.js';
import { createWorkingCalendar, DEFAULT_WORKING_HOURS } from '../src/sop/working-calendar.js';
import { auditEntries, contextFor, HOUR, notifications, submitEvent } from './support/engine-harness.js';

/** staf → kasubbag → kabag → karo; the step's waktu is 3 hari kerja. */
const sop = parseSop(
  {
    id: 'tunggu',
    version: 1,
    title: 'Menunggu pelapor',
    ticketPrefix: 'TGU',
    intake: 'stakeholder',
    roles: [
      { id: 'staf', name: 'Staf', superior: 'kasubbag' },
      { id: 'kasubbag', name: 'Kasubbag', superior: 'kabag' },
      { id: 'kabag', name: 'Kabag', superior: 'karo' },
      { id: 'karo', name: 'Karo' },
    ],
    ladder: [
      { at: '80%', longerThan: '1 jam', notify: 'owner' },
      { after: '0 menit', notify: 'owner' },
      { after: '1 jam', notify: 'superior' },
      { after: '2 jam', notify: 'superior' },
      { after: '3 jam', notify: 'superior' },
    ],
    start: '1',
    steps: [
      {
        id: '1',
        no: 1,
        kegiatan: 'Memeriksa laporan',
        actor: 'staf',
        waktu: '3 hari',
        status: { id: 'Diperiksa' },
        actions: [{ id: 'selesai', kind: 'approve', label: { id: 'Selesai' }, to: 'end', outcome: 'selesai' }],
      },
    ],
  },
  'tunggu.yaml',
);

const holidays = loadHolidays(DEFAULT_HOLIDAYS_FILE);
const office = createWorkingCalendar({ timeZone: 'WIB', hours: DEFAULT_WORKING_HOURS, holidays });
const ctx: EngineContext = contextFor(sop, undefined, office);
const wib = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
/** Monday 6 July 2026, 09:00 WIB: no holiday that week or the next three. */
const MONDAY = wib('2026-07-06 09:00');

function opened(at = MONDAY): CaseState {
  return apply(null, submitEvent(sop), at, ctx).state;
}

function ask(state: CaseState, at: Date, note = 'Mohon kirim foto lokasi.') {
  const open = state.openStep;
  if (!open) throw new Error('no open step');
  return apply(state, { type: 'askReporter', instanceId: open.instanceId, actorId: 'staf-1', note }, at, ctx);
}

function fire(state: CaseState, context = ctx) {
  const open = state.openStep;
  if (!open?.nextTimerAt) throw new Error('no timer pending');
  return apply(
    state,
    { type: 'timer', instanceId: open.instanceId, rung: open.nextRung, epoch: open.clockEpoch ?? 0 },
    open.nextTimerAt,
    context,
  );
}

describe('asking the reporter stops the step’s clock', () => {
  it('asks the reporter on their channel and sets a reminder halfway to a 10 hari kerja limit', () => {
    const state = opened();
    const { state: waiting, effects } = ask(state, wib('2026-07-07 10:00'));
    const open = waiting.openStep;
    expect(open?.pausedAt).toEqual(wib('2026-07-07 10:00'));
    // 10 hari kerja from Tuesday 10:00 is Tuesday two weeks on, 10:00; halfway is 5 hari kerja.
    expect(open?.pauseUntil).toEqual(wib('2026-07-21 10:00'));
    expect(open).toMatchObject({ nextRung: REPORTER_REMINDER_RUNG, nextTimerAt: wib('2026-07-14 10:00') });
    const [toReporter] = notifications(effects, { kind: 'stakeholder' });
    expect(toReporter?.template).toBe('case.info_requested');
    expect(toReporter?.params.note).toBe('Mohon kirim foto lokasi.');
    expect(toReporter?.choices.map((c) => c.action)).toEqual(['pelapor:jawab']);
    expect(auditEntries(effects, 'paused')).toHaveLength(1);
  });

  it('moves the deadline by the working time waited when the reporter answers, and notifies the official', () => {
    const state = opened();
    const dueBefore = state.openStep?.dueAt;
    expect(dueBefore).toEqual(wib('2026-07-09 09:00'));
    const waiting = ask(state, wib('2026-07-07 10:00')).state;
    // Answered on Thursday 11:00: the wait lasted two working days and one hour.
    const answered = apply(
      waiting,
      { type: 'reporterAnswer', by: 'stakeholder', text: 'Foto terlampir', attachments: [{ id: 'f1', name: 'a.jpg' }] },
      wib('2026-07-09 11:00'),
      ctx,
    );
    const open = answered.state.openStep;
    expect(open?.pausedAt).toBeNull();
    expect(open?.pausedMs).toBe(17 * HOUR);
    expect(open?.dueAt).toEqual(wib('2026-07-13 10:00'));
    const [toOfficial] = notifications(answered.effects, { kind: 'official' });
    expect(toOfficial?.template).toBe('step.reporter_answered');
    expect(toOfficial?.params).toMatchObject({ answer: 'Foto terlampir', files: 'a.jpg' });
    // The heads-up at 80% of the waktu comes after the wait, in a fresh epoch.
    expect(open?.clockEpoch).toBe(2);
    expect(open?.nextRung).toBe(0);
    expect(answered.effects.find((e) => e.type === 'timer')).toMatchObject({ rung: 0, epoch: 2 });
    // Reports measure the step without the wait.
    if (!open) throw new Error('no open step');
    expect(activeWorkingMs(open, wib('2026-07-09 12:00'), office)).toBe(2 * HOUR + 8 * HOUR);
  });

  it('ignores the ladder’s timers set before the wait, and the wait’s own after the answer', () => {
    const state = opened();
    const before = state.openStep;
    if (!before) throw new Error('no open step');
    const waiting = ask(state, wib('2026-07-07 10:00')).state;
    const stale = apply(
      waiting,
      { type: 'timer', instanceId: before.instanceId, rung: 0 },
      before.nextTimerAt ?? MONDAY,
      ctx,
    );
    expect(stale.effects).toEqual([]);
    const answered = apply(
      waiting,
      { type: 'reporterAnswer', by: 'stakeholder', text: 'ok' },
      wib('2026-07-08 09:00'),
      ctx,
    );
    const late = apply(
      answered.state,
      { type: 'timer', instanceId: before.instanceId, rung: REPORTER_REMINDER_RUNG, epoch: 1 },
      wib('2026-07-14 10:00'),
      ctx,
    );
    expect(late.effects).toEqual([]);
  });

  it('reminds the reporter once, then closes the case as tidak dilengkapi at the limit', () => {
    const waiting = ask(opened(), wib('2026-07-07 10:00')).state;
    const reminded = fire(waiting);
    expect(notifications(reminded.effects).map((n) => [n.to.kind, n.template])).toEqual([
      ['stakeholder', 'case.info_reminder'],
    ]);
    expect(reminded.state.openStep).toMatchObject({
      nextRung: REPORTER_LIMIT_RUNG,
      nextTimerAt: wib('2026-07-21 10:00'),
    });
    const closed = fire(reminded.state);
    expect(closed.state).toMatchObject({ status: 'closed', outcome: NOT_COMPLETED, openStep: null, reopenUntil: null });
    expect(notifications(closed.effects).map((n) => [n.to.kind, n.template])).toEqual([
      ['stakeholder', 'case.not_completed'],
      ['official', 'step.not_completed'],
    ]);
    expect(closed.effects.find((e) => e.type === 'stepClosed')).toMatchObject({ outcome: NOT_COMPLETED });
  });

  it('refuses what does not fit: a second request, an answer nobody asked for, a stranger’s answer, an empty one', () => {
    const state = opened();
    const reject = (run: () => unknown) => {
      try {
        run();
      } catch (err) {
        return err instanceof CaseRejectedError ? err.code : err;
      }
      return 'accepted';
    };
    expect(reject(() => apply(state, { type: 'reporterAnswer', by: 'stakeholder', text: 'x' }, MONDAY, ctx))).toBe(
      'not_waiting',
    );
    const waiting = ask(state, MONDAY).state;
    expect(reject(() => ask(waiting, MONDAY))).toBe('already_waiting');
    expect(reject(() => apply(waiting, { type: 'reporterAnswer', by: 'staf-1', text: 'x' }, MONDAY, ctx))).toBe(
      'not_reporter',
    );
    expect(reject(() => apply(waiting, { type: 'reporterAnswer', by: 'stakeholder', text: ' ' }, MONDAY, ctx))).toBe(
      'note_required',
    );
    const noReporter = apply(null, submitEvent(sop, { stakeholderId: null }), MONDAY, ctx).state;
    expect(reject(() => ask(noReporter, MONDAY))).toBe('no_reporter');
    const other = noReporter.openStep;
    if (!other) throw new Error('no open step');
    expect(
      reject(() =>
        apply(
          noReporter,
          { type: 'askReporter', instanceId: other.instanceId, actorId: 'kabag-1', note: 'x' },
          MONDAY,
          ctx,
        ),
      ),
    ).toBe('not_assignee');
  });

  it('offers the official the request as a button while the case has a reporter and does not wait on them', () => {
    const { effects } = apply(null, submitEvent(sop), MONDAY, ctx);
    const [assigned] = notifications(effects, { kind: 'official' });
    expect(assigned?.choices.map((c) => c.action)).toEqual(['selesai', 'pelapor:minta']);
    const internal = apply(null, submitEvent(sop, { stakeholderId: null }), MONDAY, ctx);
    expect(notifications(internal.effects, { kind: 'official' })[0]?.choices.map((c) => c.action)).toEqual(['selesai']);
  });
});

describe('a pause never counts (property)', () => {
  it('for any wait inside the step, the working time left after the answer is the time left when asked', () => {
    const start = MONDAY.getTime();
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 * 24 }),
        fc.integer({ min: 0, max: 30 * 24 }),
        (askAfterHours, waitHours) => {
          const state = opened();
          const askAt = new Date(start + askAfterHours * HOUR);
          const answerAt = new Date(askAt.getTime() + waitHours * HOUR);
          const waiting = ask(state, askAt).state;
          const leftAtAsk = Number(timeLeftParams(waiting.openStep ?? never(), askAt, office).left_ms);
          // While waiting the time left does not move.
          expect(Number(timeLeftParams(waiting.openStep ?? never(), answerAt, office).left_ms)).toBe(leftAtAsk);
          const answered = apply(waiting, { type: 'reporterAnswer', by: 'stakeholder', text: 'x' }, answerAt, ctx);
          const open = answered.state.openStep ?? never();
          expect(Number(timeLeftParams(open, answerAt, office).left_ms)).toBe(leftAtAsk);
          expect(open.pausedMs).toBe(office.workingMsBetween(askAt, answerAt));
        },
      ),
      { numRuns: 200 },
    );
  });
});

function never(): never {
  throw new Error('no open step');
}

describe('the time left as the engine gives it', () => {
  it('counts hari kerja over a weekend, keeping the time of day, and the working hours beyond', () => {
    // Entered Thursday 9 July 2026, 10:00 with 3 hari kerja: due Tuesday 14 July, 10:00.
    const state = opened(wib('2026-07-09 10:00'));
    const open = state.openStep ?? never();
    expect(open.dueAt).toEqual(wib('2026-07-14 10:00'));
    expect(timeLeftParams(open, wib('2026-07-09 10:00'), office)).toMatchObject({ left_days: '3', left_rest_ms: '0' });
    expect(timeLeftParams(open, wib('2026-07-09 13:00'), office)).toMatchObject({
      left_days: '2',
      left_rest_ms: String(5 * HOUR),
    });
    // Under one hari kerja: hours only.
    expect(timeLeftParams(open, wib('2026-07-13 11:00'), office).left_days).toBeUndefined();
  });
});

describe('a unit’s own escalation ceiling', () => {
  it('stops escalations at the unit’s ceiling, below the SOP’s chain top, and alerts the admins instead', () => {
    const capped: EngineContext = { ...ctx, unitCeiling: 'kasubbag' };
    let state = opened();
    const seen: string[] = [];
    for (let i = 0; i < 4 && state.openStep?.nextTimerAt; i++) {
      const t = fire(state, capped);
      for (const n of notifications(t.effects)) seen.push(n.to.kind === 'admins' ? 'admins' : String(n.to.id));
      state = t.state;
    }
    expect(seen).toEqual(['staf-1', 'staf-1', 'kasubbag-1', 'admins']);
  });

  it('is ignored by an SOP without that role', () => {
    const other: EngineContext = { ...ctx, unitCeiling: 'kepala-dinas' };
    let state = opened();
    const seen: string[] = [];
    for (let i = 0; i < 5 && state.openStep?.nextTimerAt; i++) {
      const t = fire(state, other);
      for (const n of notifications(t.effects)) seen.push(n.to.kind === 'admins' ? 'admins' : String(n.to.id));
      state = t.state;
    }
    expect(seen).toEqual(['staf-1', 'staf-1', 'kasubbag-1', 'kabag-1', 'karo-1']);
  });
});
