import { describe, expect, it } from 'vitest';
import { apply } from '../src/sop/engine.js';
import { CaseRejectedError } from '../src/sop/errors.js';
import { auditEntries, contextFor, DAY, HOUR, notifications, walk } from './support/engine-harness.js';

const ROUTE = ['selesai-dengan-penjelasan', 'sahkan', 'perbarui-progres'];

function rejection(fn: () => unknown): CaseRejectedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CaseRejectedError) return err;
    throw err;
  }
  throw new Error('the engine accepted it');
}

describe('a closed SIPUT SMS case', () => {
  const closed = walk('siput-sms', ROUTE);
  const ctx = contextFor(closed.sop, closed.directory);

  it('asks the reporter once whether it is solved, open for five working days', () => {
    const [closing] = notifications(closed.transitions.at(-1) ?? [], { kind: 'stakeholder' });
    expect(closing?.template).toBe('case.closed');
    expect(closing?.choices.map((c) => c.action)).toEqual(['konfirmasi:sudah', 'konfirmasi:belum']);
    expect(closed.state.reopenUntil?.getTime()).toBeGreaterThan(closed.now.getTime());
  });

  it('reopens at step 4 on "Belum" with the reason, to the staff who held it, and counts it', () => {
    const now = new Date(closed.now.getTime() + HOUR);
    const { state, effects } = apply(
      closed.state,
      { type: 'confirm', solved: false, reason: 'Tautan masih rusak' },
      now,
      ctx,
    );
    expect(state.status).toBe('open');
    expect(state.openStep?.stepId).toBe('4');
    expect(state.outcome).toBeNull();
    const [reopened] = auditEntries(effects, 'reopened');
    expect(reopened).toMatchObject({ stepId: '4', note: 'Tautan masih rusak', actor: 'stakeholder' });
    const [task] = notifications(effects, { kind: 'official' });
    expect(task?.template).toBe('step.returned');
    expect(task?.params.note).toBe('Tautan masih rusak');
    expect(task?.to).toEqual({ kind: 'official', id: closed.state.holders['4'] });
  });

  it('needs a reason to reopen', () => {
    const err = rejection(() => apply(closed.state, { type: 'confirm', solved: false, reason: ' ' }, closed.now, ctx));
    expect(err.code).toBe('note_required');
  });

  it('refuses "Belum" politely after the window', () => {
    const late = new Date(closed.now.getTime() + 10 * DAY);
    const err = rejection(() =>
      apply(closed.state, { type: 'confirm', solved: false, reason: 'Masih rusak' }, late, ctx),
    );
    expect(err.code).toBe('reopen_closed');
    expect(err.messageKey).toBe('case.rejected.reopen_closed');
  });

  it('does not offer the survey while the reporter may still reopen', () => {
    const [offer] = notifications(closed.transitions.at(-1) ?? [], { kind: 'stakeholder' }).filter(
      (n) => n.template === 'survey.offer',
    );
    expect(offer).toBeUndefined();
  });

  it('makes the closing final on "Sudah": counted, the survey offered, and no reopening after it', () => {
    const now = new Date(closed.now.getTime() + HOUR);
    const done = apply(closed.state, { type: 'confirm', solved: true }, now, ctx);
    expect(done.state.status).toBe('closed');
    expect(auditEntries(done.effects, 'confirmed')).toHaveLength(1);
    const [offer] = notifications(done.effects, { kind: 'stakeholder' });
    expect(offer?.template).toBe('survey.offer');
    expect(offer?.choices.map((c) => c.action)).toEqual(['survei:isi', 'survei:lewati']);
    const err = rejection(() =>
      apply(done.state, { type: 'confirm', solved: false, reason: 'Ternyata belum' }, now, ctx),
    );
    expect(err.code).toBe('reopen_closed');
  });

  it('puts the tindak lanjut the official chose to show in the closing message, and keeps internal notes out', () => {
    const shown = walk('siput-sms', ['selesai-dengan-penjelasan', 'sahkan']);
    const open = shown.state.openStep;
    if (!open?.assigneeId) throw new Error('no open step');
    const act = (notePublic: boolean) =>
      apply(
        shown.state,
        {
          type: 'act',
          instanceId: open.instanceId,
          action: 'perbarui-progres',
          actorId: open.assigneeId as string,
          note: 'Dokumen diperbaiki',
          notePublic,
        },
        shown.now,
        ctx,
      );
    const [publicClosing] = notifications(act(true).effects, { kind: 'stakeholder' });
    expect(publicClosing?.params.tindak_lanjut).toBe('Dokumen diperbaiki');
    const [internalClosing] = notifications(act(false).effects, { kind: 'stakeholder' });
    expect(internalClosing?.params.tindak_lanjut).toBeUndefined();
    expect(JSON.stringify(internalClosing)).not.toContain('Dokumen diperbaiki');
  });
});

describe('a closed case the reporter leaves unanswered', () => {
  const closed = walk('siput-sms', ROUTE);
  const ctx = contextFor(closed.sop, closed.directory);
  const until = closed.state.reopenUntil as Date;

  it('stays open to reopening until its window ends: a timer fired early does nothing', () => {
    const early = apply(closed.state, { type: 'final' }, new Date(until.getTime() - 1), ctx);
    expect(early.effects).toEqual([]);
    expect(early.state.reopenUntil).toEqual(until);
  });

  it('becomes final when the window ends: counted, the survey offered, "Belum" refused after it', () => {
    const final = apply(closed.state, { type: 'final' }, until, ctx);
    expect(final.state.reopenUntil).toBeNull();
    expect(auditEntries(final.effects, 'finalized')).toHaveLength(1);
    const [offer] = notifications(final.effects, { kind: 'stakeholder' });
    expect(offer?.template).toBe('survey.offer');
    const err = rejection(() =>
      apply(final.state, { type: 'confirm', solved: false, reason: 'Masih rusak' }, until, ctx),
    );
    expect(err.code).toBe('reopen_closed');
    // The timer firing twice (a redelivery) does nothing the second time.
    expect(apply(final.state, { type: 'final' }, until, ctx).effects).toEqual([]);
  });

  it('does nothing when the reporter answered "Sudah" first', () => {
    const done = apply(closed.state, { type: 'confirm', solved: true }, closed.now, ctx);
    expect(apply(done.state, { type: 'final' }, until, ctx).effects).toEqual([]);
  });
});

describe('an SOP without reopen', () => {
  it('asks nothing after closing', () => {
    const { sop, state, transitions } = walk('siput-sms', ROUTE);
    const without = { ...sop, reopen: undefined };
    expect(state.reopenUntil).not.toBeNull();
    const again = walk(without, ROUTE);
    expect(again.state.reopenUntil).toBeNull();
    const [closing, offer] = notifications(again.transitions.at(-1) ?? [], { kind: 'stakeholder' });
    expect(closing?.choices).toEqual([]);
    // The closing is final at once: the survey comes with it.
    expect(offer?.template).toBe('survey.offer');
    expect(transitions.length).toBe(again.transitions.length);
  });
});
