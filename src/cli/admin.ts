import { parseArgs } from 'node:util';
import { AdminAccountError, addAdminAccount } from '../web/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';

const ADD_USAGE =
  'usage: admin add --username NAME --name "FULL NAME" --role admin|pimpinan --password-stdin  (the password is read from standard input, so it stays out of shell history)';

export async function adminCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add') throw new CliError(`unknown command "admin ${sub ?? ''}": use "admin add"`);
  const { values } = parseArgs({
    args: [...rest],
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'admin' },
      'password-stdin': { type: 'boolean', default: false },
    },
  });
  const { username, name, role } = values;
  if (!username || !values['password-stdin']) throw new CliError(ADD_USAGE);
  if (role !== 'admin' && role !== 'pimpinan') throw new CliError(`--role must be admin or pimpinan, not "${role}"`);
  const password = (await ctx.readStdin()).replace(/\r?\n$/, '');
  try {
    const id = await ctx.withDatabase(({ db }) =>
      addAdminAccount(db, { username, name: name ?? username, password, role }),
    );
    ctx.out(id);
  } catch (err) {
    if (err instanceof AdminAccountError) throw new CliError(err.message);
    throw err;
  }
  return 0;
}
