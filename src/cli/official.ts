import { parseArgs } from 'node:util';
import { asc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { addOfficial } from '../db/officials.js';
import { officials } from '../db/schema.js';
import { type CliContext, CliError } from './context.js';
import { table } from './format.js';

const ADD_USAGE = 'usage: official add --nip NIP --name NAME --role ROLE --unit UNIT [--superior NIP] [--lang id|en]';

export async function officialCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(ctx, rest);
  if (sub === 'list') return list(ctx, rest);
  throw new CliError(`unknown command "official ${sub ?? ''}": use "official add" or "official list"`);
}

async function add(ctx: CliContext, args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      nip: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      unit: { type: 'string' },
      superior: { type: 'string' },
      lang: { type: 'string', default: 'id' },
    },
  });
  const { nip, name, role, unit, superior, lang } = values;
  if (!nip || !name || !role || !unit) throw new CliError(ADD_USAGE);
  if (lang !== 'id' && lang !== 'en') throw new CliError(`--lang must be id or en, not "${lang}"`);
  const id = await ctx.withDatabase(({ db }) =>
    addOfficial(db, { nip, name, roleId: role, unitId: unit, superiorNip: superior, language: lang }),
  );
  ctx.out(id);
  return 0;
}

async function list(ctx: CliContext, args: readonly string[]): Promise<number> {
  parseArgs({ args: [...args], options: {} });
  const superior = alias(officials, 'superior');
  const rows = await ctx.withDatabase(({ db }) =>
    db
      .select({
        nip: officials.nip,
        name: officials.name,
        role: officials.roleId,
        unit: officials.unitId,
        superiorNip: superior.nip,
        language: officials.language,
        active: officials.active,
      })
      .from(officials)
      .leftJoin(superior, eq(officials.superiorId, superior.id))
      .orderBy(asc(officials.unitId), asc(officials.roleId), asc(officials.name)),
  );
  ctx.out(
    table(
      ['NIP', 'UNIT', 'ROLE', 'SUPERIOR', 'LANG', 'ACTIVE', 'NAME'],
      rows.map((r) => [r.nip, r.unit, r.role, r.superiorNip ?? '', r.language, r.active ? 'yes' : 'no', r.name]),
    ),
  );
  return 0;
}
