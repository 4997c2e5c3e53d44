import type { LadderRung, SopDefinition } from './definition.js';
import type { Duration } from './duration.js';

/** A rung as written in a file: "80%", "2 jam", "50%". */
export type RungSource = Record<string, string>;

/**
 * The SOP as its author writes it, the input the schema reads: durations as their text, ladder
 * shares as percentages. Parsing it again gives the same definition, which is what lets a sheet
 * or a download round-trip.
 */
export function toSopSource(sop: SopDefinition): Record<string, unknown> {
  const { ladder, reopenWithin, steps, ...rest } = sop;
  return {
    ...rest,
    ladder: ladder.map(rungSource),
    reopenWithin: reopenWithin.text,
    steps: steps.map(({ waktu, effort, ladder: own, ...step }) => ({
      ...step,
      waktu: waktu.text,
      ...(effort ? { effort: effort.text } : {}),
      ...(own ? { ladder: own.map(rungSource) } : {}),
    })),
  };
}

export function rungSource(rung: LadderRung): RungSource {
  const out: RungSource = {};
  if (rung.at !== undefined) out.at = percent(rung.at);
  if (rung.after) out.after = text(rung.after);
  if (rung.afterShare !== undefined) out.after = percent(rung.afterShare);
  if (rung.min) out.min = text(rung.min);
  if (rung.longerThan) out.longerThan = text(rung.longerThan);
  out.notify = rung.notify;
  return out;
}

function percent(share: number): string {
  return `${Number((share * 100).toFixed(6))}%`;
}

function text(d: Duration): string {
  return d.text;
}
