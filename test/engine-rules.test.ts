import { describe, expect, it } from 'vitest';
import type { CaseState } from '../src/sop/case-state.js';
import type { Directory } from '../src/sop/directory.js';
import { apply, type EngineContext } from '../src/sop/engine.js';
import { type CaseErrorCode, CaseRejectedError, SopVersionMismatchError } from '../src/sop/errors.js';
import type { ActEvent, CaseEvent } from '../src/sop/events.js';
import {
  at,
  auditEntries,
  contextFor,
  DAY,
  directoryFor,
  HOUR,
  MINUTE,
  notifications,
  recordAssignments,
  shippedSop,
  submitEvent,
  T0,
  walk,
} from './support/engine-harness.js';

const sms = shippedSop('siput-sms');
/** The kelengkapan siput-sms step 4 asks for on its revision branch (perlu-revisi). */
const ND = 'draf Nota Dinas Rekomendasi Tahapan Tindak Lanjut';

/** A fresh SIPUT SMS case at step 4, assigned to staf-pelaksana-1, submitted at T0. */
function openCase(directory: Directory = directoryFor(sms)): { state: CaseState; ctx: EngineContext } {
  const ctx = contextFor(sms, directory);
  return { state: apply(null, submitEvent(sms), T0, ctx).state, ctx };
}

function act(state: CaseState, action: string, actorId: string, extra: Partial<ActEvent> = {}): ActEvent {
  return { type: 'act', instanceId: state.openStep?.instanceId ?? 'none', action, actorId, ...extra };
}

/** The engine refuses the event with `code` and the case is exactly as it was. */
function expectRefused(state: CaseState, event: CaseEvent, now: Date, ctx: EngineContext, code: CaseErrorCode) {
  const before = structuredClone(state);
  let error: unknown;
  try {
    apply(state, event, now, ctx);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(CaseRejectedError);
  const rejected = error as CaseRejectedError;
  expect(rejected.code).toBe(code);
  expect(rejected.messageKey).toBe(`case.rejected.${code}`);
  expect(state).toEqual(before);
  return rejected;
}

describe('an action the engine refuses', () => {
  it('is refused when the step has no such action, and the allowed ones are named', () => {
    const { state, ctx } = openCase();
    const error = expectRefused(
      state,
      act(state, 'hapus-kasus', 'staf-pelaksana-1'),
      at(T0, HOUR),
      ctx,
      'unknown_action',
    );
    expect(error.params.allowed).toBe('selesai-dengan-penjelasan, perlu-revisi');
  });

  it('is refused when taken by an official the step is not assigned to', () => {
    const { state, ctx } = openCase();
    expectRefused(state, act(state, 'perlu-revisi', 'kasubag-tl-1'), at(T0, HOUR), ctx, 'not_assignee');
  });

  it('is refused when a return comes without a note, even a blank one', () => {
    const { state, sop } = walk('siput-sms', ['selesai-dengan-penjelasan']);
    const ctx = contextFor(sop);
    expect(state.openStep?.stepId).toBe('5a');
    expectRefused(state, act(state, 'kembalikan', 'kasubag-tl-1'), at(T0, DAY), ctx, 'note_required');
    expectRefused(state, act(state, 'kembalikan', 'kasubag-tl-1', { note: '  ' }), at(T0, DAY), ctx, 'note_required');
  });

  it('is refused when a disposisi, which needs a note, comes without one', () => {
    const { state, sop } = walk('siput-sms', ['perlu-revisi', 'tandatangani-nota-dinas']);
    expect(state.openStep?.stepId).toBe('6');
    expectRefused(state, act(state, 'disposisi', 'kabag-ortala-1'), at(T0, DAY), contextFor(sop), 'note_required');
  });

  it('is refused when the kelengkapan the action requires is not attached', () => {
    const { state, ctx } = openCase();
    const error = expectRefused(
      state,
      act(state, 'selesai-dengan-penjelasan', 'staf-pelaksana-1', { attachments: [] }),
      at(T0, HOUR),
      ctx,
      'attachment_required',
    );
    expect(error.params.requires).toContain('BA konfirmasi penyelesaian');
  });

  it('is refused as stale when pressed on a button of a step the case has left', () => {
    const { state: atStep4, ctx } = openCase();
    const oldButton = act(atStep4, 'perlu-revisi', 'staf-pelaksana-1', {
      attachments: [{ id: 'nd', name: 'nd.docx', kelengkapan: ND }],
    });
    const { state: at5b } = apply(atStep4, oldButton, at(T0, HOUR), ctx);
    expect(at5b.openStep?.stepId).toBe('5b');
    expectRefused(at5b, oldButton, at(T0, 2 * HOUR), ctx, 'stale_step');
  });

  it('is refused as stale when the case came back to the same step: the old visit’s button is dead', () => {
    const { state, sop } = walk('siput-sms', ['perlu-revisi', { action: 'kembalikan', note: 'Perbaiki' }]);
    expect(state.openStep?.stepId).toBe('4');
    const firstVisit = `${state.id}_1`;
    expect(state.openStep?.instanceId).not.toBe(firstVisit);
    expectRefused(
      state,
      {
        ...act(state, 'perlu-revisi', 'staf-pelaksana-1'),
        instanceId: firstVisit,
        attachments: [{ id: 'x', name: 'x' }],
      },
      at(T0, DAY),
      contextFor(sop),
      'stale_step',
    );
  });

  it('is refused on a closed case', () => {
    const { state, sop } = walk('siput-sms', ['selesai-dengan-penjelasan', 'sahkan', 'perbarui-progres']);
    expect(state.status).toBe('closed');
    const lastInstance = `${state.id}_${state.stepSeq}`;
    expectRefused(
      state,
      { type: 'act', instanceId: lastInstance, action: 'perbarui-progres', actorId: 'staf-pelaksana-1' },
      at(T0, DAY),
      contextFor(sop),
      'case_closed',
    );
  });
});

describe('a delegate (Plh)', () => {
  const plh = {
    id: 'plh-staf',
    roleId: 'kasubag-tl',
    unitId: 'unit-1',
    superiorId: null,
    active: true,
    lastAssignedAt: null,
  };

  function withDelegation(from: Date, until: Date): Directory {
    const base = directoryFor(sms);
    return {
      officials: [...base.officials, plh],
      delegations: [{ officialId: 'staf-pelaksana-1', delegateId: 'plh-staf', from, until }],
    };
  }

  it('may act on the official’s step while the delegation runs', () => {
    const { state, ctx } = openCase(withDelegation(at(T0, 5 * MINUTE), at(T0, DAY)));
    expect(state.openStep?.assigneeId).toBe('staf-pelaksana-1');
    const { state: next, effects } = apply(
      state,
      act(state, 'perlu-revisi', 'plh-staf', { attachments: [{ id: 'nd', name: 'nd.docx', kelengkapan: ND }] }),
      at(T0, HOUR),
      ctx,
    );
    expect(next.openStep?.stepId).toBe('5b');
    expect(auditEntries(effects, 'acted')[0]?.actor).toBe('plh-staf');
  });

  it('may not act once the delegation has ended', () => {
    const { state, ctx } = openCase(withDelegation(at(T0, 5 * MINUTE), at(T0, 30 * MINUTE)));
    expectRefused(
      state,
      act(state, 'perlu-revisi', 'plh-staf', { attachments: [{ id: 'nd', name: 'nd.docx', kelengkapan: ND }] }),
      at(T0, HOUR),
      ctx,
      'not_assignee',
    );
  });

  it('is given the step outright, on the official’s behalf, when the delegation runs as the case arrives', () => {
    const { state } = openCase(withDelegation(at(T0, -HOUR), at(T0, DAY)));
    expect(state.openStep?.assigneeId).toBe('plh-staf');
    expect(state.openStep?.onBehalfOf).toBe('staf-pelaksana-1');
  });
});

describe('round-robin assignment', () => {
  it('gives consecutive cases to the two holders of a role in turn when lastAssignedAt follows the assigned effect', () => {
    let directory = directoryFor(sms, { perRole: 2 });
    const assignees: (string | null | undefined)[] = [];
    for (let n = 1; n <= 4; n++) {
      const { state, effects } = apply(
        null,
        submitEvent(sms, { caseId: `case-${n}` }),
        at(T0, n * MINUTE),
        contextFor(sms, directory),
      );
      assignees.push(state.openStep?.assigneeId);
      directory = recordAssignments(directory, effects);
    }
    expect(assignees).toEqual(['staf-pelaksana-1', 'staf-pelaksana-2', 'staf-pelaksana-1', 'staf-pelaksana-2']);
  });

  it('keeps giving cases to the same holder when nobody records the assignments', () => {
    const ctx = contextFor(sms, directoryFor(sms, { perRole: 2 }));
    const first = apply(null, submitEvent(sms, { caseId: 'case-1' }), T0, ctx).state;
    const second = apply(null, submitEvent(sms, { caseId: 'case-2' }), at(T0, MINUTE), ctx).state;
    expect([first.openStep?.assigneeId, second.openStep?.assigneeId]).toEqual(['staf-pelaksana-1', 'staf-pelaksana-1']);
  });
});

describe('step timers', () => {
  /** Two holders per role; staf-pelaksana-1 answers to kasubag-tl-2, who answers to kabag-ortala-2. */
  function chainDirectory(): Directory {
    const base = directoryFor(sms, { perRole: 2 });
    const superiorOf: Record<string, string> = {
      'staf-pelaksana-1': 'kasubag-tl-2',
      'kasubag-tl-2': 'kabag-ortala-2',
    };
    return {
      ...base,
      officials: base.officials.map((o) => ({ ...o, superiorId: superiorOf[o.id] ?? o.superiorId })),
    };
  }

  it('sets a heads-up at 80% of the waktu when the case enters a step longer than an hour', () => {
    const { state, effects } = apply(null, submitEvent(sms), T0, contextFor(sms));
    const due = at(T0, 3 * DAY); // step 4: 3 hari kerja, on a calendar that never stops
    expect(state.openStep?.dueAt).toEqual(due);
    expect(effects.filter((e) => e.type === 'timer')).toEqual([
      { type: 'timer', instanceId: state.openStep?.instanceId, rung: 0, at: at(T0, 0.8 * 3 * DAY) },
    ]);
  });

  it('reminds the owner before the deadline, again at it, then escalates once overrun by half the waktu', () => {
    const { state, ctx } = openCase();
    const open = state.openStep;
    if (!open) throw new Error('no open step');
    const early = apply(state, { type: 'timer', instanceId: open.instanceId, rung: 0 }, at(T0, 0.8 * 3 * DAY), ctx);
    const [heads, ...none] = notifications(early.effects);
    expect(none).toEqual([]);
    expect(heads?.to).toEqual({ kind: 'official', id: 'staf-pelaksana-1' });
    expect(heads?.template).toBe('step.due_soon');
    expect(heads?.params).toMatchObject({
      left_ms: String(Math.round(0.2 * 3 * DAY)),
      waktu: '3 hari kerja',
      waktu_default: '1',
    });
    expect(early.effects.filter((e) => e.type === 'timer')).toEqual([
      { type: 'timer', instanceId: open.instanceId, rung: 1, at: open.dueAt },
    ]);

    const { state: next, effects } = apply(
      early.state,
      { type: 'timer', instanceId: open.instanceId, rung: 1 },
      open.dueAt,
      ctx,
    );
    const [reminder, ...others] = notifications(effects);
    expect(others).toEqual([]);
    expect(reminder?.to).toEqual({ kind: 'official', id: 'staf-pelaksana-1' });
    expect(reminder?.template).toBe('step.reminder');
    // The step's actions, and asking the reporter for what is missing (the case has a stakeholder).
    expect(reminder?.choices.map((c) => c.action)).toEqual([
      'selesai-dengan-penjelasan',
      'perlu-revisi',
      'pelapor:minta',
    ]);
    expect(auditEntries(effects, 'reminded')).toHaveLength(1);
    expect(effects.filter((e) => e.type === 'timer')).toEqual([
      { type: 'timer', instanceId: open.instanceId, rung: 2, at: at(open.dueAt, 1.5 * DAY) },
    ]);
    expect(next.openStep?.nextRung).toBe(2);
  });

  it('does nothing when the same rung fires again', () => {
    const { state, ctx } = openCase();
    const open = state.openStep;
    if (!open) throw new Error('no open step');
    const fired = apply(state, { type: 'timer', instanceId: open.instanceId, rung: 0 }, open.dueAt, ctx).state;
    const again = apply(fired, { type: 'timer', instanceId: open.instanceId, rung: 0 }, at(open.dueAt, MINUTE), ctx);
    expect(again.effects).toEqual([]);
    expect(again.state).toBe(fired);
  });

  it('does nothing when the timer belongs to a step the case has left', () => {
    const { state: atStep4, ctx } = openCase();
    const oldInstance = atStep4.openStep?.instanceId ?? '';
    const { state: at5b } = apply(
      atStep4,
      act(atStep4, 'perlu-revisi', 'staf-pelaksana-1', {
        attachments: [{ id: 'nd', name: 'nd.docx', kelengkapan: ND }],
      }),
      at(T0, HOUR),
      ctx,
    );
    const late = apply(at5b, { type: 'timer', instanceId: oldInstance, rung: 0 }, at(T0, 3 * DAY), ctx);
    expect(late.effects).toEqual([]);
    expect(late.state).toBe(at5b);
  });

  it('escalates to the official’s own superior, then to that superior’s superior, one level at a time', () => {
    const { state, ctx } = openCase(chainDirectory());
    const open = state.openStep;
    if (!open) throw new Error('no open step');
    let current = state;
    const escalations: { to: unknown; level: string | undefined }[] = [];
    const timers: number[] = [];
    const audited: (string | null)[] = [];
    for (let rung = 0; rung < sms.ladder.length; rung++) {
      const { state: next, effects } = apply(
        current,
        { type: 'timer', instanceId: open.instanceId, rung },
        at(open.dueAt, rung * HOUR),
        ctx,
      );
      for (const n of notifications(effects)) {
        if (n.template === 'step.escalation') escalations.push({ to: n.to, level: n.params.level });
      }
      for (const e of effects) if (e.type === 'timer') timers.push(e.rung);
      audited.push(...auditEntries(effects, 'escalated').map((e) => e.target));
      current = next;
    }
    expect(escalations).toEqual([
      { to: { kind: 'official', id: 'kasubag-tl-2' }, level: '1' },
      { to: { kind: 'official', id: 'kabag-ortala-2' }, level: '2' },
    ]);
    expect(timers).toEqual([1, 2, 3]);
    expect(audited).toEqual(['kasubag-tl-2', 'kabag-ortala-2']);
    expect(current.openStep?.escalationLevel).toBe(2);
    expect(current.openStep?.nextTimerAt).toBeNull();
  });

  it('escalates to a holder of the superior role when the official has no superior set', () => {
    const base = directoryFor(sms);
    const { state, ctx } = openCase({
      ...base,
      officials: base.officials.map((o) => ({ ...o, superiorId: null })),
    });
    const open = state.openStep;
    if (!open) throw new Error('no open step');
    const atRung2 = { ...state, openStep: { ...open, nextRung: 2 } };
    const { effects } = apply(atRung2, { type: 'timer', instanceId: open.instanceId, rung: 2 }, open.dueAt, ctx);
    expect(notifications(effects).map((n) => n.to)).toEqual([{ kind: 'official', id: 'kasubag-tl-1' }]);
  });

  it('follows a step’s own ladder: the Menteri is reminded but nobody above is told', () => {
    const result = walk('sisprosedur', [
      'program-kerja-selesai',
      'rencana-kerja-selesai',
      'tim-terbentuk',
      'draf-awal-selesai',
      'pembahasan-selesai',
      'rapat-kerja-selesai',
      'permensesneg',
      'ajukan-ke-menteri',
    ]);
    const ctx = contextFor(result.sop, result.directory);
    const open = result.state.openStep;
    if (!open) throw new Error('no open step');
    expect(open.stepId).toBe('7');
    let current = result.state;
    const templates: string[] = [];
    for (let rung = 0; rung < 4; rung++) {
      const { state, effects } = apply(current, { type: 'timer', instanceId: open.instanceId, rung }, open.dueAt, ctx);
      templates.push(...notifications(effects).map((n) => `${n.template}:${n.to.kind === 'official' ? n.to.id : ''}`));
      current = state;
    }
    expect(templates).toEqual(['step.reminder:menteri-sesneg-1', 'step.reminder:menteri-sesneg-1']);
  });
});

describe('reassigning a step', () => {
  it('tells the new assignee and the old one, and only the new one may then act', () => {
    const { state, ctx } = openCase(directoryFor(sms, { perRole: 2 }));
    const instanceId = state.openStep?.instanceId ?? '';
    const { state: next, effects } = apply(
      state,
      { type: 'reassign', instanceId, toOfficialId: 'staf-pelaksana-2', by: 'admin-ani', reason: 'cuti' },
      at(T0, HOUR),
      ctx,
    );
    expect(next.openStep?.assigneeId).toBe('staf-pelaksana-2');
    expect(next.openStep?.instanceId).toBe(instanceId);
    expect(notifications(effects).map((n) => [n.template, n.to, n.params.reason])).toEqual([
      ['step.assigned', { kind: 'official', id: 'staf-pelaksana-2' }, 'cuti'],
      ['step.reassigned_away', { kind: 'official', id: 'staf-pelaksana-1' }, 'cuti'],
    ]);
    expect(auditEntries(effects, 'reassigned')[0]).toMatchObject({ actor: 'admin-ani', target: 'staf-pelaksana-2' });

    const attachments = [{ id: 'nd', name: 'nd.docx', kelengkapan: ND }];
    expectRefused(
      next,
      act(next, 'perlu-revisi', 'staf-pelaksana-1', { attachments }),
      at(T0, 2 * HOUR),
      ctx,
      'not_assignee',
    );
    expect(
      apply(next, act(next, 'perlu-revisi', 'staf-pelaksana-2', { attachments }), at(T0, 2 * HOUR), ctx).state.openStep
        ?.stepId,
    ).toBe('5b');
  });

  it('is refused for an official who is not in the directory', () => {
    const { state, ctx } = openCase();
    expectRefused(
      state,
      { type: 'reassign', instanceId: state.openStep?.instanceId ?? '', toOfficialId: 'nobody', by: 'admin' },
      at(T0, HOUR),
      ctx,
      'unknown_official',
    );
  });
});

describe('the SOP version a case is pinned to', () => {
  it('must be the one the engine is given: another version is refused outright', () => {
    const { state, ctx } = openCase();
    const before = structuredClone(state);
    const newer = { ...ctx, sop: { ...sms, version: sms.version + 1 } };
    expect(() =>
      apply(
        state,
        act(state, 'perlu-revisi', 'staf-pelaksana-1', { attachments: [{ id: 'nd', name: 'nd', kelengkapan: ND }] }),
        at(T0, HOUR),
        newer,
      ),
    ).toThrow(`runs siput-sms@${sms.version}, not siput-sms@${sms.version + 1}`);
    expect(() =>
      apply(state, { type: 'timer', instanceId: state.openStep?.instanceId ?? '', rung: 0 }, at(T0, HOUR), newer),
    ).toThrow(SopVersionMismatchError);
    expect(() =>
      apply(state, { type: 'timer', instanceId: state.openStep?.instanceId ?? '', rung: 0 }, at(T0, HOUR), newer),
    ).toThrow(`siput-sms@${sms.version}`);
    expect(state).toEqual(before);
    expect(state.sopVersion).toBe(sms.version);
  });
});

describe('a step sent back by a return', () => {
  it('goes to the official who handled it before, not to the next holder in turn', () => {
    const directory = directoryFor(sms, { perRole: 2 });
    const result = walk('siput-sms', ['selesai-dengan-penjelasan'], { directory });
    const firstHandler = result.transitions[0]
      ?.flatMap((e) => (e.type === 'audit' && e.entry.kind === 'entered' ? [e.entry.target] : []))
      .at(0);
    const open = result.state.openStep;
    if (!open?.assigneeId) throw new Error('case should be at 5a');
    const back = apply(
      result.state,
      { type: 'act', instanceId: open.instanceId, action: 'kembalikan', actorId: open.assigneeId, note: 'Lengkapi BA' },
      at(result.now, HOUR),
      contextFor(sms, result.directory),
    );
    expect(back.state.openStep?.stepId).toBe('4');
    expect(back.state.openStep?.assigneeId).toBe(firstHandler);
  });
});

describe('the official a Plh stood in for', () => {
  it('may still act on the step after the delegation has ended', () => {
    const plh = {
      id: 'plh',
      roleId: 'kasubag-tl',
      unitId: 'unit-1',
      superiorId: null,
      active: true,
      lastAssignedAt: null,
    };
    const base = directoryFor(sms);
    const directory: Directory = {
      officials: [...base.officials, plh],
      delegations: [
        { officialId: 'staf-pelaksana-1', delegateId: 'plh', from: at(T0, -HOUR), until: at(T0, 30 * MINUTE) },
      ],
    };
    const { state, ctx } = openCase(directory);
    expect(state.openStep?.assigneeId).toBe('plh');
    const { state: next } = apply(
      state,
      act(state, 'perlu-revisi', 'staf-pelaksana-1', { attachments: [{ id: 'nd', name: 'nd.docx', kelengkapan: ND }] }),
      at(T0, HOUR),
      ctx,
    );
    expect(next.openStep?.stepId).toBe('5b');
  });
});

describe('an escalation whose direct superior is inactive', () => {
  it('goes to an active holder of the superior role instead of to the admins', () => {
    const base = directoryFor(sms, { perRole: 2 });
    const directory: Directory = {
      ...base,
      officials: base.officials.map((o) => (o.id === 'kasubag-tl-1' ? { ...o, active: false } : o)),
    };
    const { state, ctx } = openCase(directory);
    const open = state.openStep;
    if (!open) throw new Error('case should be open');
    let current = state;
    const escalations: string[] = [];
    for (let rung = 0; rung < 4; rung++) {
      const fired = apply(current, { type: 'timer', instanceId: open.instanceId, rung }, at(T0, 30 * DAY), ctx);
      current = fired.state;
      for (const n of notifications(fired.effects)) {
        if (n.template === 'step.escalation' && n.to.kind === 'official') escalations.push(n.to.id);
      }
    }
    expect(escalations[0]).toBe('kasubag-tl-2');
  });
});

describe('an action that names several kelengkapan', () => {
  const BA = 'BA konfirmasi penyelesaian';
  const LP = 'draf Laporan penyelesaian';

  it('is refused with one of its two files, naming the one missing, and taken with both', () => {
    const { state, ctx } = openCase();
    const one = act(state, 'selesai-dengan-penjelasan', 'staf-pelaksana-1', {
      attachments: [{ id: 'ba', name: 'ba.pdf', kelengkapan: BA }],
    });
    const error = expectRefused(state, one, at(T0, HOUR), ctx, 'attachment_required');
    expect(error.params.requires).toBe(LP);
    // A file not named for a kelengkapan counts for none of them.
    const untagged = act(state, 'selesai-dengan-penjelasan', 'staf-pelaksana-1', {
      attachments: [
        { id: 'ba', name: 'ba.pdf' },
        { id: 'lp', name: 'lp.docx' },
      ],
    });
    expect(expectRefused(state, untagged, at(T0, HOUR), ctx, 'attachment_required').params.requires).toBe(
      `${BA}, ${LP}`,
    );

    const both = act(state, 'selesai-dengan-penjelasan', 'staf-pelaksana-1', {
      attachments: [
        { id: 'ba', name: 'ba.pdf', kelengkapan: BA },
        { id: 'lp', name: 'lp.docx', kelengkapan: LP },
      ],
    });
    const { state: next, effects } = apply(state, both, at(T0, HOUR), ctx);
    expect(next.openStep?.stepId).toBe('5a');
    expect(auditEntries(effects, 'acted')[0]?.attachments.map((a) => a.kelengkapan)).toEqual([BA, LP]);
  });

  it('refuses an absence the SOP does not allow, and takes one it allows when it carries a note', () => {
    const juklak = shippedSop('pedoman-juklak');
    const { state, sop } = walk(juklak, [
      'beri-arahan',
      'tugaskan-kasubbag',
      'sampaikan',
      'laporkan-ke-karo',
      'tugaskan-kabag',
      'tugaskan-kasubbag',
      'sampaikan',
      'paraf',
      'tandatangani',
      'rapat-selesai',
      'sampaikan',
      'kirim-ke-pemrakarsa',
      'konfirmasi',
    ]);
    expect(state.openStep?.stepId).toBe('14');
    const ctx = contextFor(sop);
    const by = state.openStep?.assigneeId ?? '';
    const files = [
      { id: 'kp', name: 'konsep.docx', kelengkapan: 'Konsep pedoman/petunjuk pelaksanaan' },
      { id: 'nd', name: 'nd.docx', kelengkapan: 'konsep nota dinas pengantar' },
    ];
    const permenko = 'konsep PerMenko (jika diperlukan)';
    expectRefused(
      state,
      act(state, 'sampaikan-ke-karo', by, {
        attachments: files.slice(1),
        absent: [{ kelengkapan: files[0]?.kelengkapan ?? '', note: 'Belum ada' }],
      }),
      at(T0, DAY),
      ctx,
      'absence_not_allowed',
    );
    expectRefused(
      state,
      act(state, 'sampaikan-ke-karo', by, { attachments: files, absent: [{ kelengkapan: permenko, note: '  ' }] }),
      at(T0, DAY),
      ctx,
      'attachment_required',
    );
    const { state: next, effects } = apply(
      state,
      act(state, 'sampaikan-ke-karo', by, {
        attachments: files,
        absent: [{ kelengkapan: permenko, note: 'Tidak memerlukan PerMenko.' }],
      }),
      at(T0, DAY),
      ctx,
    );
    expect(next.openStep?.stepId).toBe('15');
    expect(auditEntries(effects, 'acted')[0]?.absent).toEqual([
      { kelengkapan: permenko, note: 'Tidak memerlukan PerMenko.' },
    ]);
  });
});

describe('a step entering when nobody holds its role', () => {
  it('alerts the admins, then is given once to the first holder who appears', () => {
    const full = directoryFor(sms);
    const withoutStaf: Directory = { ...full, officials: full.officials.filter((o) => o.roleId !== 'staf-pelaksana') };
    const { state, ctx } = openCase(withoutStaf);
    expect(state.openStep?.assigneeId).toBeNull();
    const instanceId = state.openStep?.instanceId ?? '';

    // Still nobody: nothing happens.
    expect(apply(state, { type: 'assignWaiting', instanceId }, at(T0, HOUR), ctx).effects).toEqual([]);

    const later = { ...ctx, directory: full };
    const { state: held, effects } = apply(state, { type: 'assignWaiting', instanceId }, at(T0, HOUR), later);
    expect(held.openStep?.assigneeId).toBe('staf-pelaksana-1');
    expect(notifications(effects).map((n) => [n.template, n.to])).toEqual([
      ['step.assigned', { kind: 'official', id: 'staf-pelaksana-1' }],
    ]);
    expect(auditEntries(effects, 'assigned')[0]?.target).toBe('staf-pelaksana-1');
    // Sent again (a second sweep, a second link): the step is held, nothing is announced twice.
    expect(apply(held, { type: 'assignWaiting', instanceId }, at(T0, HOUR), later).effects).toEqual([]);
    // And the holder can act on it.
    const acted = apply(
      held,
      act(held, 'perlu-revisi', 'staf-pelaksana-1', { attachments: [{ id: 'nd', name: 'nd.docx', kelengkapan: ND }] }),
      at(T0, 2 * HOUR),
      later,
    );
    expect(acted.state.openStep?.stepId).toBe('5b');
  });
});
