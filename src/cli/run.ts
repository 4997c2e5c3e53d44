import '../texts.js';
import { ConfigError } from '../config.js';
import { DirectoryError } from '../db/index.js';
import { SopDefinitionError } from '../sop/index.js';
import { adminCommand } from './admin.js';
import { caseCommand } from './case.js';
import { CliContext, type CliIo } from './context.js';
import { CliError } from './errors.js';
import { officialCommand } from './official.js';
import { sopCommand } from './sop.js';
import { unitCommand } from './unit.js';

export type { CliIo } from './context.js';

const USAGE = `Usage: siput <command> [options]

  sop list                        the SOPs in SOPS_DIR: id, version, step counts, title
  sop check FILE                  validate one SOP file (YAML or JSON)
  official add --nip NIP --name NAME --role ROLE --unit UNIT [--superior NIP] [--lang id|en]
                                  add an official; prints the new id
  official list                   every official with role, unit and superior
  official link-code NIP [--hours 72]
                                  a one-time code the official sends in their chat (DAFTAR CODE) to link it
  official alerts NIP on|off      whether the official gets the admins' alerts in their chat
  admin add --username NAME --name "FULL NAME" --role admin|pimpinan --password-stdin
                                  a console account; the password is read from standard input
  unit add --id ID --name NAME [--tz WIB|WITA|WIT]
                                  add a work unit (time zone default: TZ_DEFAULT)
  case show TICKET                a case's steps, assignees, due times and audit trail
  help                            this text

Settings come from the environment, as for the service (see .env.example):
DATABASE_URL, else the embedded database under DATA_DIR; SOPS_DIR; TZ_DEFAULT.`;

const COMMANDS: Record<string, (ctx: CliContext, args: readonly string[]) => Promise<number>> = {
  sop: sopCommand,
  official: officialCommand,
  unit: unitCommand,
  case: caseCommand,
  admin: adminCommand,
};

/** Errors that mean "fix your input", not "the program is broken": no stack trace for them. */
const EXPECTED = [CliError, ConfigError, DirectoryError, SopDefinitionError];

/** Runs one command line; returns the exit code. Output goes to io, never to the console directly. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const ctx = new CliContext(io);
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    ctx.out(USAGE);
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    ctx.err(`unknown command "${name}"; "siput help" lists them`);
    return 1;
  }
  try {
    return await command(ctx, args);
  } catch (err) {
    if (EXPECTED.some((kind) => err instanceof kind)) {
      ctx.err((err as Error).message);
      return 1;
    }
    // util.parseArgs: an unknown or malformed option is a usage mistake too.
    if (String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      ctx.err(`${(err as Error).message}; "siput help" lists the options`);
      return 1;
    }
    ctx.err((err as Error).stack ?? String(err));
    return 1;
  }
}
