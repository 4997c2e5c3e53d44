import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import {
  CaseService,
  checkForm,
  type IntakeFile,
  IntakeRefusedError,
  intakeFilesOf,
  mayOpen,
  type Opener,
  openCase,
  SopRegistry,
  UnitCalendars,
  unitRuns,
  unitSopList,
} from '../cases/index.js';
import { officials } from '../db/index.js';
import { AttachmentStore, FileRejectedError } from '../files/index.js';
import { t } from '../i18n/index.js';
import { createLogger } from '../log.js';
import { loadHolidays, loadSopFolder } from '../sop/index.js';
import type { CliContext } from './context.js';
import { CliError } from './errors.js';
import { CliQueues } from './queues.js';

export const OPEN_USAGE =
  'usage: case open --sop ID --subject TEXT --text TEXT [--by NIP] [--unit UNIT] [--field ID=VALUE]... [--file "KELENGKAPAN=PATH"]...';

/**
 * `siput case open`: a case of an SOP with intake official, as the official named by --by (their
 * role must start or initiate it; the case runs in their unit) or as an admin at the keyboard.
 * The notices are queued on the service's Redis at once; when it does not answer, the running
 * service's reconciler sends them within five minutes.
 */
export async function openCommand(ctx: CliContext, args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: {
      sop: { type: 'string' },
      subject: { type: 'string' },
      text: { type: 'string' },
      by: { type: 'string' },
      unit: { type: 'string' },
      field: { type: 'string', multiple: true },
      file: { type: 'string', multiple: true },
    },
  });
  if (!values.sop || values.subject === undefined || values.text === undefined) throw new CliError(OPEN_USAGE);
  const fields: Record<string, string> = {};
  for (const pair of values.field ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliError(`--field takes ID=VALUE, not "${pair}"`);
    fields[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const sopFiles = loadSopFolder(ctx.config.SOPS_DIR);
  const holidays = loadHolidays(ctx.config.HOLIDAYS_FILE);
  const config = ctx.config;
  const queues = new CliQueues(config);
  const ticket = await ctx
    .withDatabase(async ({ db }) => {
      const sops = new SopRegistry(db);
      await sops.register(sopFiles);
      const sop = await sops.active(values.sop as string);
      if (!sop) throw new CliError(t('id', 'intake.refused.sop_unknown', { sop: values.sop as string }));
      let opener: Opener = { kind: 'admin', actor: 'cli' };
      let unitId = values.unit ?? config.DEFAULT_UNIT;
      if (values.by) {
        const [official] = await db.select().from(officials).where(eq(officials.nip, values.by));
        if (!official?.active) throw new CliError(`no active official with NIP ${values.by}`);
        opener = { kind: 'official', id: official.id, roleId: official.roleId };
        // An official opens cases in their own unit only, as in the chat and the console.
        if (values.unit !== undefined && values.unit !== official.unitId) {
          throw new CliError(`${values.by} works in unit "${official.unitId}"; a case they open runs there`);
        }
        unitId = official.unitId;
      }
      const form = { subject: values.subject ?? '', body: values.text ?? '', fields };
      // Who, where and what are checked before a file is stored, so a refusal leaves nothing behind.
      try {
        const runs = await unitSopList(db, unitId);
        if (runs === undefined) throw new IntakeRefusedError('unit_unknown', { unit: unitId });
        if (!unitRuns(runs, sop, config.COMPLAINT_SOP))
          throw new IntakeRefusedError('sop_not_offered', { sop: sop.title });
        if (!mayOpen(sop, opener)) throw new IntakeRefusedError('not_initiator', { sop: sop.title });
        const wanted = intakeFilesOf(sop);
        const named = (spec: string, i: number) => wanted.find((k) => spec.startsWith(`${k}=`)) ?? wanted[i] ?? '';
        checkForm(sop, {
          ...form,
          files: (values.file ?? []).map((f, i) => ({ kelengkapan: named(f, i), id: '', name: '' })),
        });
      } catch (err) {
        if (err instanceof IntakeRefusedError) throw new CliError(t('id', err.messageKey, err.params));
        throw err;
      }
      const files = await storeFiles(ctx, db, intakeFilesOf(sop), values.file ?? [], opener);
      const cases = new CaseService({
        db,
        sops,
        calendars: new UnitCalendars(db, holidays, config.TZ_DEFAULT),
        afterCommit: queues,
        // The ticket is the command's output: routine info lines would bury it.
        log: createLogger({ ...config, LOG_LEVEL: 'warn' }),
      });
      try {
        const result = await db.transaction((tx) =>
          openCase(
            tx,
            sops,
            cases,
            {
              sopId: sop.id,
              unitId,
              opener,
              form: { ...form, files },
              channel: 'cli',
              complaintSop: config.COMPLAINT_SOP,
            },
            new Date(),
          ),
        );
        if (result.saved) await cases.schedule(result.saved, result.caseId);
        return result.ticket;
      } catch (err) {
        if (err instanceof IntakeRefusedError) throw new CliError(t('id', err.messageKey, err.params));
        throw err;
      }
    })
    .finally(() => queues.close());
  ctx.out(ticket);
  if (queues.missed > 0) ctx.err('Redis did not answer: the running service sends the notices within five minutes');
  return 0;
}

/** Stores each --file as an attachment: "KELENGKAPAN=PATH" by name, or a bare PATH in the SOP's order. */
async function storeFiles(
  ctx: CliContext,
  db: ConstructorParameters<typeof AttachmentStore>[0]['db'],
  wanted: readonly string[],
  given: readonly string[],
  opener: Opener,
): Promise<IntakeFile[]> {
  const store = new AttachmentStore({ db, dataDir: ctx.config.DATA_DIR });
  const files: IntakeFile[] = [];
  for (const [i, spec] of given.entries()) {
    const named = wanted.find((k) => spec.startsWith(`${k}=`));
    const kelengkapan = named ?? wanted[i];
    if (kelengkapan === undefined) throw new CliError(`more files than kelengkapan: ${wanted.join('; ')}`);
    const path = named ? spec.slice(named.length + 1) : spec;
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      throw new CliError(`cannot read ${path}`);
    }
    try {
      const saved = await store.save({
        bytes,
        name: path.split(/[\\/]/).at(-1) ?? path,
        uploadedBy: opener.kind === 'official' ? opener.id : 'cli',
      });
      files.push({ kelengkapan, id: saved.id, name: saved.name });
    } catch (err) {
      if (err instanceof FileRejectedError) throw new CliError(`${path}: ${t('id', err.messageKey, err.params)}`);
      throw err;
    }
  }
  return files;
}
