import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSopFile } from '../src/sop/catalog.js';
import { END, type SopDefinition } from '../src/sop/definition.js';
import type { Effect } from '../src/sop/effects.js';
import { stepOf } from '../src/sop/engine.js';
import {
  auditEntries,
  DAY,
  notifications,
  SOPS_DIR,
  shippedSop,
  shippedSops,
  type WalkResult,
  walk,
} from './support/engine-harness.js';
import { ROUTES } from './support/sop-routes.js';

function stakeholderTemplates(effects: readonly Effect[]): string[] {
  return notifications(effects, { kind: 'stakeholder' }).map((n) => n.template);
}

function runStepIds(sop: SopDefinition): string[] {
  return sop.steps.filter((s) => s.scope === 'run').map((s) => s.id);
}

/** Checks one return: where it went, and that its note reached the audit log and the official. */
function expectReturn(result: WalkResult, returnIndex: number, note: string): void {
  // transitions[0] is the submit, so the act at choices[i] is transitions[i + 1].
  const effects = result.transitions[returnIndex + 1] ?? [];
  const [returned] = auditEntries(effects, 'returned');
  const [entered] = auditEntries(effects, 'entered');
  expect(returned?.note).toBe(note);
  expect(entered?.note).toBe(note);
  const visitedBefore = result.visited.slice(0, returnIndex + 1);
  const action = stepOf(result.sop, returned?.stepId ?? '').actions.find((a) => a.id === returned?.action);
  const expectedTarget = action?.to === 'previous' ? visitedBefore.at(-2) : action?.to;
  expect(entered?.stepId).toBe(expectedTarget);

  const toOfficial = notifications(effects, { kind: 'official' });
  expect(toOfficial).toHaveLength(1);
  expect(toOfficial[0]?.template).toBe('step.returned');
  expect(toOfficial[0]?.to).toEqual({ kind: 'official', id: entered?.target });
  expect(toOfficial[0]?.params.note).toBe(note);
  expect(toOfficial[0]?.params.step).toBe(expectedTarget);
  expect(stepOf(result.sop, expectedTarget ?? '').actor).toBe(
    result.directory.officials.find((o) => o.id === entered?.target)?.roleId,
  );
}

describe('the shipped SOP definitions', () => {
  it('are the five seed procedures, each in a file named after its id', () => {
    const files = readdirSync(SOPS_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual([
      'fasilitasi-sop.yaml',
      'pedoman-juklak.yaml',
      'pemantauan-dumas.yaml',
      'siput-sms.yaml',
      'sisprosedur.yaml',
    ]);
    for (const file of files) expect(`${loadSopFile(join(SOPS_DIR, file)).id}.yaml`).toBe(file);
    expect(new Set(shippedSops().map((s) => s.ticketPrefix)).size).toBe(5);
  });

  describe.each(shippedSops().map((sop) => [sop.id, sop] as const))('%s', (_id, sop) => {
    it('reaches every step cases run through from its start', () => {
      const reached = new Set<string>([sop.start]);
      const queue = [sop.start];
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        for (const action of stepOf(sop, id).actions) {
          if (action.to === END || action.to === 'previous' || reached.has(action.to)) continue;
          reached.add(action.to);
          queue.push(action.to);
        }
      }
      expect([...reached].sort()).toEqual(runStepIds(sop).sort());
    });

    it('can end from every step it runs through', () => {
      const ending = new Set<string>();
      let grew = true;
      while (grew) {
        grew = false;
        for (const step of sop.steps.filter((s) => s.scope === 'run' && !ending.has(s.id))) {
          if (step.actions.some((a) => a.kind !== 'return' && (a.to === END || ending.has(a.to)))) {
            ending.add(step.id);
            grew = true;
          }
        }
      }
      expect([...ending].sort()).toEqual(runStepIds(sop).sort());
    });

    it('points every action at a step cases run through, at the end with an outcome, or back', () => {
      const runIds = new Set(runStepIds(sop));
      for (const step of sop.steps) {
        for (const action of step.actions) {
          if (action.to === END) expect(action.outcome, `${step.id}.${action.id}`).toBeTruthy();
          else if (action.to === 'previous') expect(action.kind).toBe('return');
          else expect(runIds.has(action.to), `${step.id}.${action.id} → ${action.to}`).toBe(true);
        }
      }
    });

    it('has a status and labels in Bahasa Indonesia and English for every step and action', () => {
      for (const step of sop.steps) {
        expect(step.status.en, `step ${step.id}`).toBeTruthy();
        for (const action of step.actions) expect(action.label.en, `${step.id}.${action.id}`).toBeTruthy();
      }
    });
  });

  it('marks as waktuDefault exactly the steps whose time the source leaves blank or gives as effort', () => {
    const blankInSource: Record<string, readonly string[] | 'all'> = {
      'siput-sms': 'all',
      'fasilitasi-sop': 'all',
      sisprosedur: ['4a', '4b', '7'],
      'pedoman-juklak': [],
      'pemantauan-dumas': [],
    };
    for (const sop of shippedSops()) {
      const blank = blankInSource[sop.id];
      const expected = blank === 'all' ? sop.steps.map((s) => s.id) : blank;
      expect(
        sop.steps.filter((s) => s.waktuDefault).map((s) => s.id),
        sop.id,
      ).toEqual(expected);
    }
  });

  it('keeps the seed’s effort of sisprosedur 4a and 4b apart from the window SIPUT chose', () => {
    const sop = shippedSop('sisprosedur');
    const [a, b] = ['4a', '4b'].map((id) => sop.steps.find((s) => s.id === id));
    expect([a?.effort?.text, a?.waktu.text, b?.effort?.text, b?.waktu.text]).toEqual([
      '12.5 jam',
      '2 minggu',
      '6 hari',
      '3 minggu',
    ]);
    expect([a?.waktu.unit, b?.waktu.unit]).toEqual(['workweek', 'workweek']);
  });

  it('keeps the times of the Pedoman/Juklak SOP exactly as the source gives them', () => {
    const sop = shippedSop('pedoman-juklak');
    expect(sop.steps.map((s) => s.waktu.text)).toEqual([
      ...['10 Menit', '60 Menit', '14 Hari', '60 Menit', '20 Menit', '60 Menit', '30 Menit', '10 Menit'],
      ...['5 Menit', '120 Menit', '1 Hari', '30 Menit', '1 Hari', '60 Menit', '30 Menit', '20 Menit'],
    ]);
  });
});

describe.each(Object.entries(ROUTES))('walking %s', (sopId, routes) => {
  const sop = shippedSop(sopId);

  it.each(routes.map((route) => [route.name, route] as const))('%s', (_name, route) => {
    const result = walk(sop, route.choices);

    expect(result.visited).toEqual(route.visited);
    expect(result.state.status).toBe('closed');
    expect(result.state.outcome).toBe(route.outcome);
    expect(result.state.openStep).toBeNull();
    expect(auditEntries(result.effects, 'closed')).toHaveLength(1);

    if (sop.intake === 'stakeholder') {
      const updates = notifications(result.effects, { kind: 'stakeholder' }).filter(
        (n) => n.template === 'case.update',
      );
      expect(updates.map((n) => n.params.status)).toEqual(
        (route.stakeholderUpdates ?? []).map((id) => stepOf(sop, id).status.id),
      );
      // An SOP the reporter cannot reopen is final at its closing, so the SKM survey comes with it.
      expect(stakeholderTemplates(result.effects)).toEqual([
        'case.received',
        ...updates.map(() => 'case.update'),
        'case.closed',
        ...(sop.reopen ? [] : ['survey.offer']),
      ]);
      const closed = notifications(result.effects, { kind: 'stakeholder' }).find((n) => n.template === 'case.closed');
      expect(closed?.params.outcome).toBe(route.outcome);
    } else {
      expect(stakeholderTemplates(result.effects)).toEqual([]);
    }

    route.choices.forEach((choice, i) => {
      if (typeof choice !== 'string' && auditEntries(result.transitions[i + 1] ?? [], 'returned').length > 0) {
        expectReturn(result, i, choice.note ?? '');
      }
    });
  });

  it('takes every action of every step on one route or another', () => {
    const taken = new Set<string>();
    for (const route of routes) {
      for (const entry of auditEntries(walk(sop, route.choices).effects)) {
        if (entry.kind === 'acted' || entry.kind === 'returned') taken.add(`${entry.stepId}.${entry.action}`);
      }
    }
    const all = sop.steps.filter((s) => s.scope === 'run').flatMap((s) => s.actions.map((a) => `${s.id}.${a.id}`));
    expect([...taken].sort()).toEqual(all.sort());
  });

  it('goes back to an earlier step on at least one route', () => {
    expect(
      routes.some((route) =>
        walk(sop, route.choices).effects.some((e) => e.type === 'audit' && e.entry.kind === 'returned'),
      ),
    ).toBe(true);
  });
});

describe('details of the seed readings', () => {
  it('asks for the BA konfirmasi and the draft report before the SIPUT SMS staff reports a case resolved', () => {
    const result = walk('siput-sms', [
      {
        action: 'selesai-dengan-penjelasan',
        attachments: [
          { id: 'ba-1', name: 'ba.pdf', kelengkapan: 'BA konfirmasi penyelesaian' },
          { id: 'lp-1', name: 'laporan.docx', kelengkapan: 'draf Laporan penyelesaian' },
        ],
      },
    ]);
    const [acted] = auditEntries(result.effects, 'acted');
    expect(acted?.attachments.map((a) => a.id)).toEqual(['ba-1', 'lp-1']);
    expect(result.state.openStep?.stepId).toBe('5a');
  });

  it('gives the direct DUMAS monitoring the upper bound of its 3-4 days', () => {
    const result = walk('pemantauan-dumas', [
      'sampaikan-matrikulasi',
      'ajukan-ke-asdep',
      'setujui-langsung',
      'persiapan-selesai',
      'koordinasi-selesai',
    ]);
    const open = result.state.openStep;
    expect(open?.stepId).toBe('6a');
    expect((open?.dueAt.getTime() ?? 0) - result.now.getTime()).toBe(4 * DAY);
  });

  it('assigns each SIPUT SMS step to the role the chain of nota dinas and disposisi gives it', () => {
    const sop = shippedSop('siput-sms');
    expect(Object.fromEntries(sop.steps.map((s) => [s.id, `${s.scope}:${s.actor}`]))).toEqual({
      '1': 'publication:staf-pelaksana',
      '2': 'publication:staf-pelaksana',
      '3': 'intake:stakeholder',
      '4': 'run:staf-pelaksana',
      '5a': 'run:kasubag-tl',
      '5b': 'run:kasubag-tl',
      '6': 'run:kabag-ortala',
      '7': 'run:karo-pok',
      '8': 'run:kabag-ortala',
      '9': 'run:kasubag-tl',
      '10': 'run:staf-pelaksana',
      '11': 'run:staf-pelaksana',
    });
  });
});
