import { END, type SopDefinition, type SopStep } from '../sop/index.js';

/** The flowchart symbols of the SOP AP form (PermenPANRB 35/2012) that stand for a step. */
export type SymbolKind = 'terminator' | 'process' | 'decision';

/** One arrow of the flowchart: an action of the data, or the order of steps no case runs through. */
export interface Transition {
  readonly from: string;
  /** A step id, or "end" for an action that closes the case from a decision. */
  readonly to: string;
  /** The action it draws; absent for the order of publication and intake steps. */
  readonly actionId?: string;
  /** Ya / Tidak (or the branch's own marker) on a decision's arrows. */
  readonly label?: string;
}

export interface StepSymbol {
  readonly step: SopStep;
  readonly kind: SymbolKind;
  /** A decision with an action that ends the case: a "Selesai" terminator is drawn below it. */
  readonly endsBranch: boolean;
}

export interface Flow {
  readonly symbols: readonly StepSymbol[];
  readonly transitions: readonly Transition[];
}

/**
 * Reads the flowchart from the data. A step whose actions lead to two places or more is a decision;
 * the first step of the table and a step that only ends the case are terminators; the rest are
 * processes. A return to "previous" is drawn to every step that leads into the returning one.
 */
export function flowOf(sop: SopDefinition): Flow {
  const predecessors = new Map<string, string[]>();
  for (const s of sop.steps)
    for (const a of s.actions)
      if (a.kind !== 'return' && a.to !== END) predecessors.set(a.to, [...(predecessors.get(a.to) ?? []), s.id]);

  const symbols = sop.steps.map((step, index): StepSymbol => {
    const targets = new Set(step.actions.map((a) => a.to));
    const decision = targets.size > 1;
    const onlyEnds = targets.size === 1 && targets.has(END);
    const kind: SymbolKind = decision ? 'decision' : index === 0 || onlyEnds ? 'terminator' : 'process';
    return { step, kind, endsBranch: decision && targets.has(END) };
  });

  const transitions: Transition[] = [];
  sop.steps.forEach((step, index) => {
    const labels = branchLabels(step);
    for (const a of step.actions) {
      const label = labels.get(a.id);
      const targets = a.to === 'previous' ? [...new Set(predecessors.get(step.id) ?? [])] : [a.to];
      for (const to of targets) {
        // An action that ends the case from a terminator is the terminator itself: no arrow.
        if (to === END && symbols[index]?.kind !== 'decision') continue;
        transitions.push({ from: step.id, to, actionId: a.id, ...(label ? { label } : {}) });
      }
    }
    // Publication and intake steps have no actions: they lead, in table order, to the next one.
    const next = sop.steps[index + 1];
    if (step.scope !== 'run' && next && (next.scope !== 'run' || next.id === sop.start))
      transitions.push({ from: step.id, to: next.id });
  });
  return { symbols, transitions };
}

/**
 * Ya/Tidak for a decision: a return is "Tidak", the first way on "Ya". A branch whose label opens
 * with its own marker ("1)", "a)") keeps it, as the source's kegiatan numbers the branches so.
 */
function branchLabels(step: SopStep): Map<string, string> {
  const labels = new Map<string, string>();
  if (new Set(step.actions.map((a) => a.to)).size < 2) return labels;
  const onward = step.actions.filter((a) => a.kind !== 'return');
  onward.forEach((a, i) => {
    const marker = /^\s*([0-9a-z]\))/.exec(a.label.id)?.[1];
    labels.set(a.id, marker ?? (i === 0 ? 'Ya' : `Ya (${i + 1})`));
  });
  const returns = step.actions.filter((a) => a.kind === 'return');
  for (const a of returns) labels.set(a.id, 'Tidak');
  // Two onward ways and no return: the second one is the "Tidak".
  if (returns.length === 0 && onward.length === 2 && !/^\s*[0-9a-z]\)/.test(onward[1]?.label.id ?? ''))
    labels.set(onward[1]?.id ?? '', 'Tidak');
  return labels;
}
