import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type SopDefinition, sopDefinitionSchema } from './definition.js';
import { SopDefinitionError } from './errors.js';

/** Parses and validates one SOP definition file (YAML or JSON). Throws SopDefinitionError. */
export function loadSopFile(file: string): SopDefinition {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'), { prettyErrors: true });
  } catch (err) {
    const reason = err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
    throw new SopDefinitionError(file, [{ path: '', reason: `not valid YAML/JSON: ${reason}` }]);
  }
  return parseSop(raw, file);
}

export function parseSop(raw: unknown, file: string): SopDefinition {
  const result = sopDefinitionSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new SopDefinitionError(
    file,
    result.error.issues.map((issue) => ({ path: describePath(raw, issue.path), reason: issue.message })),
  );
}

/** Loads every *.yaml, *.yml and *.json file in a folder; ids must be unique. */
export function loadSopFolder(dir: string): SopDefinition[] {
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  const sops = files.map((f) => loadSopFile(join(dir, f)));
  const seen = new Map<string, string>();
  sops.forEach((sop, i) => {
    const file = files[i] ?? '';
    const other = seen.get(sop.id);
    if (other)
      throw new SopDefinitionError(file, [{ path: 'id', reason: `"${sop.id}" is also the id of ${basename(other)}` }]);
    seen.set(sop.id, file);
  });
  return sops;
}

/** "steps[3] (no 4).actions[1].to" reads better than "steps.3.actions.1.to". */
function describePath(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  let node: unknown = raw;
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      const id = node && typeof node === 'object' && 'id' in node ? (node as { id: unknown }).id : undefined;
      if (id !== undefined) out += ` (id ${String(id)})`;
    } else {
      out += out ? `.${String(key)}` : String(key);
      node = node && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
    }
  }
  return out;
}
