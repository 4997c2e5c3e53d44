import { stringify } from 'yaml';
import type { SopDefinition } from '../sop/index.js';
import { toSopSource } from '../sop/index.js';

export interface DiffLine {
  /** same: in both; removed: only in the older; added: only in the newer. */
  readonly kind: 'same' | 'removed' | 'added';
  readonly text: string;
}

/**
 * Two versions of an SOP compared line by line as their authors write them (YAML), by the
 * longest common subsequence: a changed waktu shows as one line out and one line in.
 */
export function diffVersions(older: SopDefinition, newer: SopDefinition): DiffLine[] {
  const a = stringify(toSopSource(older)).split('\n');
  const b = stringify(toSopSource(newer)).split('\n');
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      // biome-ignore lint/style/noNonNullAssertion: both rows exist inside the bounds looped over
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i++] ?? '' });
      j++;
    } else if (j < b.length && (i === a.length || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      out.push({ kind: 'added', text: b[j++] ?? '' });
    } else {
      out.push({ kind: 'removed', text: a[i++] ?? '' });
    }
  }
  return out;
}
