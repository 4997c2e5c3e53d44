import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadSopFile, loadSopFolder } from '../sop/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { table } from './format.js';

export async function sopCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') return list(ctx, rest);
  if (sub === 'check') return check(ctx, rest);
  throw new CliError(`unknown command "sop ${sub ?? ''}": use "sop list" or "sop check FILE"`);
}

/** The SOPs the service would register at start-up: the files in SOPS_DIR. */
function list(ctx: CliContext, args: readonly string[]): number {
  parseArgs({ args: [...args], options: {} });
  const dir = ctx.config.SOPS_DIR;
  if (!existsSync(dir)) throw new CliError(`SOPS_DIR ${dir} does not exist`);
  const sops = loadSopFolder(dir);
  ctx.out(
    table(
      ['ID', 'VERSION', 'RUN STEPS', 'ALL STEPS', 'TITLE'],
      sops.map((sop) => [
        sop.id,
        String(sop.version),
        String(sop.steps.filter((s) => s.scope === 'run').length),
        String(sop.steps.length),
        sop.title,
      ]),
    ),
  );
  return 0;
}

function check(ctx: CliContext, args: readonly string[]): number {
  const { positionals } = parseArgs({ args: [...args], options: {}, allowPositionals: true });
  const [file, extra] = positionals;
  if (!file || extra) throw new CliError('usage: sop check FILE');
  if (!existsSync(file)) throw new CliError(`no file ${file}`);
  const sop = loadSopFile(file);
  ctx.out(`OK ${sop.id}@${sop.version}: ${sop.steps.length} steps`);
  return 0;
}
