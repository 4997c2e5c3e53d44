import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { parseUnitSops } from '../cases/index.js';
import { recordAudit, units } from '../db/index.js';
import { loadSopFolder, TIME_ZONES } from '../sop/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';

export async function unitCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(ctx, rest);
  if (sub === 'sops') return sops(ctx, rest);
  throw new CliError(`unknown command "unit ${sub ?? ''}": use "unit add" or "unit sops"`);
}

const SOPS_USAGE = 'usage: unit sops UNIT [SOP_ID ...] [--default]';

/**
 * The SOPs a unit runs, in chat-menu order: without ids it prints them; with ids it sets them;
 * --default unsets them (COMPLAINT_SOP in the chat menu, every SOP officials open).
 */
async function sops(ctx: CliContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { default: { type: 'boolean' } },
    allowPositionals: true,
  });
  const [unitId, ...ids] = positionals;
  if (!unitId || (values.default && ids.length > 0)) throw new CliError(SOPS_USAGE);
  const known = existsSync(ctx.config.SOPS_DIR) ? loadSopFolder(ctx.config.SOPS_DIR).map((s) => s.id) : [];
  const parsed = parseUnitSops(ids.join(','), known);
  if ('unknown' in parsed) throw new CliError(`no SOP "${parsed.unknown}" in SOPS_DIR; "siput sop list" lists them`);
  const shown = await ctx.withDatabase(async ({ db }) => {
    const [unit] = await db.select().from(units).where(eq(units.id, unitId));
    if (!unit) throw new CliError(`no unit "${unitId}"`);
    if (ids.length === 0 && !values.default) return unit.offeredSops;
    await db.update(units).set({ offeredSops: parsed.sops }).where(eq(units.id, unitId));
    await recordAudit(db, { actor: 'cli', action: 'unit.sops', target: unitId, details: { offeredSops: parsed.sops } });
    return parsed.sops;
  });
  ctx.out(shown ? shown.join(', ') : `${ctx.config.COMPLAINT_SOP} (default)`);
  return 0;
}

async function add(ctx: CliContext, args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { id: { type: 'string' }, name: { type: 'string' }, tz: { type: 'string' } },
  });
  const { id, name } = values;
  if (!id || !name) throw new CliError('usage: unit add --id ID --name NAME [--tz WIB|WITA|WIT]');
  const tz = values.tz?.toUpperCase();
  if (tz !== undefined && !Object.hasOwn(TIME_ZONES, tz)) {
    throw new CliError(`--tz must be WIB, WITA or WIT, not "${values.tz}"`);
  }
  const added = await ctx.withDatabase(({ db }) =>
    db
      .insert(units)
      .values({ id, name, timeZone: tz ?? ctx.config.TZ_DEFAULT })
      .onConflictDoNothing()
      .returning({ id: units.id }),
  );
  if (added.length === 0) throw new CliError(`a unit with id "${id}" already exists`);
  ctx.out(id);
  return 0;
}
