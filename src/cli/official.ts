import { parseArgs } from 'node:util';
import { asc, eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { assignWaitingSteps } from '../cases/index.js';
import { addOfficial, createLinkCode, officials } from '../db/index.js';
import { cliCaseService } from './case-engine.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { table } from './format.js';
import { CliQueues } from './queues.js';

const ADD_USAGE = 'usage: official add --nip NIP --name NAME --role ROLE --unit UNIT [--superior NIP] [--lang id|en]';

export async function officialCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'add') return add(ctx, rest);
  if (sub === 'list') return list(ctx, rest);
  if (sub === 'link-code') return linkCode(ctx, rest);
  if (sub === 'alerts') return alerts(ctx, rest);
  throw new CliError(
    `unknown command "official ${sub ?? ''}": use "official add", "official list", "official link-code" or "official alerts"`,
  );
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
  const queues = new CliQueues(ctx.config);
  const { id, assigned } = await ctx
    .withDatabase(async ({ db }) => {
      const id = await addOfficial(db, {
        nip,
        name,
        roleId: role,
        unitId: unit,
        superiorNip: superior,
        language: lang,
      });
      // Steps that waited for a holder of this role are theirs now; they are told once they link a chat.
      return { id, assigned: await assignWaitingSteps(cliCaseService(ctx, db, queues), db) };
    })
    .finally(() => queues.close());
  ctx.out(id);
  if (assigned > 0) ctx.err(`${assigned} waiting step(s) given to a holder; see "case show TICKET"`);
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

/** A one-time code the official sends in their chat to link it: DAFTAR CODE (WhatsApp, web) or /start CODE (Telegram). */
async function linkCode(ctx: CliContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { hours: { type: 'string', default: '72' } },
    allowPositionals: true,
  });
  const [nip] = positionals;
  const hours = Number(values.hours);
  if (!nip || !Number.isFinite(hours) || hours <= 0 || hours > 24 * 30) {
    throw new CliError('usage: official link-code NIP [--hours 72]');
  }
  const { code, expiresAt } = await ctx.withDatabase(async ({ db }) => {
    try {
      return await createLinkCode(db, nip, hours);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  });
  ctx.out(code);
  ctx.out(`valid until ${expiresAt.toISOString()}, once. In the chat send: DAFTAR ${code}  (Telegram: /start ${code})`);
  return 0;
}

/** Whether the official gets the admins' alerts in their chat (no holder for a step, a channel down…). */
async function alerts(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [nip, onOff] = args;
  if (!nip || (onOff !== 'on' && onOff !== 'off')) throw new CliError('usage: official alerts NIP on|off');
  const updated = await ctx.withDatabase(({ db }) =>
    db
      .update(officials)
      .set({ receivesAlerts: onOff === 'on' })
      .where(eq(officials.nip, nip))
      .returning({ id: officials.id }),
  );
  if (updated.length === 0) throw new CliError(`no official with NIP ${nip}`);
  ctx.out(`alerts ${onOff} for ${nip}`);
  return 0;
}
