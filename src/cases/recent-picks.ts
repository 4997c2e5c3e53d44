import type { Directory, Effect } from '../sop/index.js';

/**
 * The steps this process gave officials, for the round-robin (Directory.picked). A directory is
 * loaded per decision or batch, so decisions made side by side, or one after another in a batch,
 * would otherwise all pick the same longest-waiting holder until a commit stamps them. A pick is
 * noted as the engine decides it, committed or not: it only orders who comes next.
 */
export class RecentPicks {
  readonly #at = new Map<string, number>();
  #last = 0;

  /** The directory as loaded, with the picks it cannot show yet. */
  over(directory: Directory): Directory {
    return { ...directory, picked: this.#at };
  }

  note(effects: readonly Effect[]): void {
    for (const e of effects) {
      if (e.type !== 'assigned') continue;
      // Later than every pick before, so picks made at the same instant still take turns.
      this.#last = Math.max(e.at.getTime(), this.#last + 1);
      this.#at.set(e.officialId, this.#last);
    }
  }
}
