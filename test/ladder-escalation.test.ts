import { describe, expect, it } from 'vitest';
import type { CaseState } from '../src/sop/case-state.js';
import { parseSop } from '../src/sop/catalog.js';
import { apply, type EngineContext, stepOf } from '../src/sop/engine.js';
import { nextRungFrom } from '../src/sop/ladder.js';
import {
  alwaysWorkingCalendar,
  at,
  contextFor,
  DAY,
  HOUR,
  MINUTE,
  notifications,
  shippedSop,
  submitEvent,
  T0,
} from './support/engine-harness.js';

/** staf → kasubbag → kabag → karo → menteri; escalations stop at the kabag. */
const sop = parseSop(
  {
    id: 'tangga',
    version: 1,
    title: 'Tangga pengingat',
    ticketPrefix: 'TGA',
    intake: 'official',
    roles: [
      { id: 'staf', name: 'Staf', superior: 'kasubbag' },
      { id: 'kasubbag', name: 'Kasubbag', superior: 'kabag' },
      { id: 'kabag', name: 'Kabag', superior: 'karo' },
      { id: 'karo', name: 'Karo', superior: 'menteri' },
      { id: 'menteri', name: 'Menteri' },
    ],
    ladder: [
      { at: '80%', longerThan: '1 jam', notify: 'owner' },
      { after: '0 menit', notify: 'owner' },
      { after: '50%', min: '1 jam', notify: 'superior' },
      { after: '100%', min: '1 hari', notify: 'superior' },
      { after: '150%', min: '2 hari', notify: 'superior' },
    ],
    ceiling: 'kabag',
    start: '1',
    steps: [
      {
        id: '1',
        no: 1,
        kegiatan: 'Menyusun konsep',
        actor: 'staf',
        waktu: '2 hari',
        status: { id: 'Konsep disusun' },
        actions: [{ id: 'ajukan', kind: 'forward', label: { id: 'Ajukan' }, to: '2' }],
      },
      {
        id: '2',
        no: 2,
        kegiatan: 'Menandatangani',
        actor: 'karo',
        waktu: '5 menit',
        status: { id: 'Menunggu tanda tangan' },
        actions: [
          { id: 'tandatangani', kind: 'approve', label: { id: 'Tandatangani' }, to: 'end', outcome: 'selesai' },
        ],
      },
    ],
  },
  'tangga.yaml',
);

/** Fires the case's pending rung at its time, as the timer worker would. */
function fire(state: CaseState, ctx: EngineContext) {
  const open = state.openStep;
  if (!open?.nextTimerAt) throw new Error('no timer pending');
  return apply(state, { type: 'timer', instanceId: open.instanceId, rung: open.nextRung }, open.nextTimerAt, ctx);
}

describe('a ladder in proportion to the waktu, with a ceiling', () => {
  const ctx = contextFor(sop);

  it('gives a two-day step a heads-up at 80%, a reminder at the deadline, and escalations one and two days past it', () => {
    let { state } = apply(null, submitEvent(sop), T0, ctx);
    const due = at(T0, 2 * DAY);
    const seen: { at: Date; template: string; to: unknown }[] = [];
    for (let i = 0; i < 5; i++) {
      const firedAt = state.openStep?.nextTimerAt ?? new Date(0);
      const t = fire(state, ctx);
      for (const n of notifications(t.effects)) seen.push({ at: firedAt, template: n.template, to: n.to });
      state = t.state;
    }
    expect(seen).toEqual([
      { at: at(T0, 0.8 * 2 * DAY), template: 'step.due_soon', to: { kind: 'official', id: 'staf-1' } },
      { at: due, template: 'step.reminder', to: { kind: 'official', id: 'staf-1' } },
      { at: at(due, DAY), template: 'step.escalation', to: { kind: 'official', id: 'kasubbag-1' } },
      { at: at(due, 2 * DAY), template: 'step.escalation', to: { kind: 'official', id: 'kabag-1' } },
      // Past the kabag, the ceiling: the admins are alerted instead of the karo.
      { at: at(due, 3 * DAY), template: 'step.escalation', to: { kind: 'admins', unitId: 'unit-1' } },
    ]);
    expect(state.openStep?.nextTimerAt).toBeNull();
  });

  it('gives a 5-minute signature no heads-up and sends its escalation an hour late to the admins, not the Menteri', () => {
    const opened = apply(null, submitEvent(sop), T0, ctx).state;
    const open = opened.openStep;
    if (!open) throw new Error('no open step');
    let { state } = apply(
      opened,
      { type: 'act', instanceId: open.instanceId, action: 'ajukan', actorId: 'staf-1' },
      at(T0, HOUR),
      ctx,
    );
    const due = at(T0, HOUR + 5 * MINUTE);
    expect(state.openStep).toMatchObject({ stepId: '2', dueAt: due, nextRung: 1, nextTimerAt: due });
    state = fire(state, ctx).state;
    expect(state.openStep).toMatchObject({ nextRung: 2, nextTimerAt: at(due, HOUR) });
    const escalated = fire(state, ctx);
    expect(notifications(escalated.effects).map((n) => n.to)).toEqual([{ kind: 'admins', unitId: 'unit-1' }]);
  });

  it('cancels the pending rung when the official acts before it', () => {
    const opened = apply(null, submitEvent(sop), T0, ctx).state;
    const open = opened.openStep;
    if (!open) throw new Error('no open step');
    const moved = apply(
      opened,
      { type: 'act', instanceId: open.instanceId, action: 'ajukan', actorId: 'staf-1' },
      at(T0, HOUR),
      ctx,
    ).state;
    const late = apply(moved, { type: 'timer', instanceId: open.instanceId, rung: 0 }, at(T0, 0.8 * 2 * DAY), ctx);
    expect(late.effects).toEqual([]);
  });
});

describe('the shipped defaults', () => {
  it('never carry a late 5-minute signature of the Pedoman/Juklak SOP to the Sesmenko', () => {
    const juklak = shippedSop('pedoman-juklak');
    const step = stepOf(juklak, '9');
    expect([step.actor, step.waktu.text]).toEqual(['karo-po', '5 Menit']);
    expect(juklak.ceiling).toBe('karo-po');
    const due = at(T0, 5 * MINUTE);
    const clock = { enteredAt: T0, dueAt: due, pausedMs: 0 };
    expect(nextRungFrom(juklak.ladder, 0, clock, alwaysWorkingCalendar)).toEqual({ nextRung: 1, nextTimerAt: due });
    expect(nextRungFrom(juklak.ladder, 2, clock, alwaysWorkingCalendar)).toEqual({
      nextRung: 2,
      nextTimerAt: at(due, HOUR),
    });
  });

  it('give every shipped step longer than an hour a heads-up before its deadline', () => {
    for (const id of ['siput-sms', 'pedoman-juklak', 'sisprosedur', 'pemantauan-dumas', 'fasilitasi-sop']) {
      const shipped = shippedSop(id);
      for (const step of shipped.steps.filter((s) => s.scope === 'run' && !s.ladder)) {
        const due = alwaysWorkingCalendar.add(T0, step.waktu);
        const first = nextRungFrom(
          shipped.ladder,
          0,
          { enteredAt: T0, dueAt: due, pausedMs: 0 },
          alwaysWorkingCalendar,
        );
        const longer = due.getTime() - T0.getTime() > HOUR;
        expect(first.nextRung === 0 && (first.nextTimerAt ?? due) < due, `${id} ${step.id}`).toBe(longer);
      }
    }
  });
});
