import { parseArgs } from 'node:util';
import { units } from '../db/schema.js';
import { TIME_ZONES } from '../sop/working-calendar.js';
import { type CliContext, CliError } from './context.js';

export async function unitCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(ctx, rest);
  throw new CliError(`unknown command "unit ${sub ?? ''}": use "unit add"`);
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
