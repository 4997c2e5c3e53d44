import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface Cruise {
  readonly modules: readonly { readonly source: string; readonly dependencies: readonly { resolved: string }[] }[];
  readonly summary: { readonly violations: readonly { from: string; rule: { name: string } }[] };
}

async function cruise(...args: string[]): Promise<Cruise> {
  const { stdout } = await run(
    'node_modules/.bin/depcruise',
    ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', ...args],
    { maxBuffer: 64 * 1024 * 1024 },
  ).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  return JSON.parse(stdout);
}

/** The arrows between folders that lie on a loop: both ends in one strongly connected part (Tarjan). */
function loopedArrows(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const part = new Map<string, number>();
  const stack: string[] = [];
  let next = 0;
  let parts = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (!part.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) === index.get(v)) {
      for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) part.set(w, parts);
      parts += 1;
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return [...graph].flatMap(([from, tos]) =>
    [...tos].filter((to) => part.get(to) === part.get(from)).map((to) => `${from} → ${to}`),
  );
}

describe('the import graph (.dependency-cruiser.cjs)', () => {
  it('has no loop between modules', async () => {
    const { summary } = await cruise();
    expect(summary.violations.map((v) => `${v.rule.name}: ${v.from}`)).toEqual([]);
  }, 120_000);

  it('has no arrow on a loop between folders beyond the known ones, which may only go', async () => {
    // Each folder (and each file at the top of src) collapsed to one node.
    const { modules } = await cruise('--collapse', '^src/[^/]+');
    const graph = new Map(
      modules
        .filter((m) => m.source.startsWith('src/'))
        .map((m) => [
          m.source,
          new Set(m.dependencies.map((d) => d.resolved).filter((to) => to.startsWith('src/') && to !== m.source)),
        ]),
    );
    const looped = loopedArrows(graph).sort();
    const known: string[] = JSON.parse(readFileSync('import-loops-known.json', 'utf8')).arrows;
    expect(
      looped.filter((a) => !known.includes(a)),
      'a new arrow closing a loop between folders',
    ).toEqual([]);
    expect(
      known.filter((a) => !looped.includes(a)),
      'no longer on a loop: take it off import-loops-known.json',
    ).toEqual([]);
  }, 120_000);
});
