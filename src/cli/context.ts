import { type Config, loadConfig } from '../config.js';
import { type Database, ensureDefaultUnit, openDatabase } from '../db/index.js';
import { CliError } from './errors.js';

/** Where a command writes; process.stdout and process.stderr fit, and so does a test's buffer. */
export interface Writer {
  write(text: string): unknown;
}

export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** The environment settings are read from; the process environment when left out. */
  readonly env?: Record<string, string | undefined>;
  /** Standard input, for secrets that must not appear in the command line; process.stdin when left out. */
  readonly stdin?: AsyncIterable<string | Buffer>;
}

/** What a command gets: output, settings read on first use, and the database on request. */
export class CliContext {
  #config: Config | undefined;

  constructor(readonly io: CliIo) {}

  out(line = ''): void {
    this.io.stdout.write(`${line}\n`);
  }

  err(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  async readStdin(): Promise<string> {
    let text = '';
    for await (const chunk of this.io.stdin ?? process.stdin) text += chunk.toString();
    return text;
  }

  /** Read lazily, so `help` and `sop check` work even when a setting is wrong. */
  get config(): Config {
    this.#config ??= loadConfig(this.io.env);
    return this.#config;
  }

  /** Opens the database the way the service does (with its default unit), runs `use`, and always closes it. */
  async withDatabase<T>(use: (database: Database) => Promise<T>): Promise<T> {
    const { DATABASE_URL, DATA_DIR } = this.config;
    let database: Database;
    try {
      database = await openDatabase({ url: DATABASE_URL, dataDir: DATABASE_URL ? undefined : DATA_DIR });
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ECONNREFUSED') {
        throw new CliError(`the database at DATABASE_URL does not answer: ${(err as Error).message}`);
      }
      throw err;
    }
    try {
      await ensureDefaultUnit(database.db, this.config);
      return await use(database);
    } finally {
      await database.close();
    }
  }
}
