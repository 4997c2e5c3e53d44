import type { AbsentKelengkapan, AttachmentRef } from './events.js';

/*
 * Kelengkapan are the named inputs of a step's mutu baku. The sources list them as "a) BA
 * konfirmasi penyelesaian ; b) draf Nota Dinas" or "Rencana kegiatan + rancangan teknis": one entry
 * may name several, and an action's `requires` names them one by one.
 */

// The parts of a step and an action read here, spelled out rather than imported: definition.ts
// validates SOP files with these functions, and importing its types back would close a loop.
interface NamingStep {
  readonly kelengkapan: readonly string[];
  readonly output: readonly string[];
}
interface KelengkapanRule {
  readonly requires: readonly string[];
  readonly mayBeAbsent?: readonly string[] | undefined;
}

/** Keys already made: an SOP names the same few kelengkapan on every transition. */
const keys = new Map<string, string>();
const MAX_KEYS = 10_000;

/** A name as compared: without its list marker ("a)", "1)"), case and extra spaces. */
export function kelengkapanKey(name: string): string {
  let key = keys.get(name);
  if (key === undefined) {
    key = name
      .replace(/^\s*(?:[a-z]|\d{1,2})\)\s*/i, '')
      .replace(/\s+/g, ' ')
      .trim()
      .toLowerCase();
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(name, key);
  }
  return key;
}

/** Every single kelengkapan (and output) a step names, split at "+" and ";". */
export function namedInputsOf(step: NamingStep): Set<string> {
  const names = new Set<string>();
  for (const entry of [...step.kelengkapan, ...step.output]) {
    names.add(kelengkapanKey(entry));
    for (const part of entry.split(/\s\+\s|;/)) if (part.trim()) names.add(kelengkapanKey(part));
  }
  return names;
}

/** Whether the SOP lets the official go on without this kelengkapan, saying why in a note. */
export function mayBeAbsent(action: Pick<KelengkapanRule, 'mayBeAbsent'>, name: string): boolean {
  const key = kelengkapanKey(name);
  return (action.mayBeAbsent ?? []).some((n) => kelengkapanKey(n) === key);
}

export interface KelengkapanCheck {
  /** Required kelengkapan neither attached nor (where allowed) declared absent with a note. */
  readonly missing: readonly string[];
  /** Declared absent although the SOP requires the file. */
  readonly notAllowedAbsent: readonly string[];
}

/** What an action still lacks: each required kelengkapan needs its own file, or a noted absence where allowed. */
export function checkKelengkapan(
  action: KelengkapanRule,
  attachments: readonly AttachmentRef[],
  absent: readonly AbsentKelengkapan[],
): KelengkapanCheck {
  const attached = new Set(attachments.flatMap((a) => (a.kelengkapan ? [kelengkapanKey(a.kelengkapan)] : [])));
  const declared = new Set(absent.filter((a) => a.note.trim()).map((a) => kelengkapanKey(a.kelengkapan)));
  const missing: string[] = [];
  const notAllowedAbsent: string[] = [];
  for (const name of action.requires) {
    const key = kelengkapanKey(name);
    if (attached.has(key)) continue;
    if (declared.has(key)) {
      if (!mayBeAbsent(action, name)) notAllowedAbsent.push(name);
      continue;
    }
    missing.push(name);
  }
  return { missing, notAllowedAbsent };
}
