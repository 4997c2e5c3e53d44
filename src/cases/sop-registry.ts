import { createHash } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { sopDefinitions } from '../db/schema.js';
import type { SopDefinition } from '../sop/definition.js';

export class SopVersionConflictError extends Error {
  override readonly name = 'SopVersionConflictError';
  readonly code = 'sop_version_conflict';
}

/**
 * The SOP versions the service can run. Files under sops/ are registered at start-up; every
 * version ever registered stays in the database, so a case keeps its version after an update.
 */
export class SopRegistry {
  readonly #cache = new Map<string, SopDefinition>();
  readonly #latest = new Map<string, number>();

  constructor(private readonly db: Db) {}

  /** Registers the given definitions; a changed file whose version was not raised is refused. */
  async register(sops: readonly SopDefinition[]): Promise<void> {
    for (const sop of sops) {
      const checksum = createHash('sha256').update(JSON.stringify(sop)).digest('hex');
      await this.db
        .insert(sopDefinitions)
        .values({ sopId: sop.id, version: sop.version, title: sop.title, definition: sop, checksum })
        .onConflictDoNothing();
      const [stored] = await this.db
        .select({ checksum: sopDefinitions.checksum })
        .from(sopDefinitions)
        .where(and(eq(sopDefinitions.sopId, sop.id), eq(sopDefinitions.version, sop.version)));
      if (stored?.checksum !== checksum) {
        throw new SopVersionConflictError(
          `SOP ${sop.id} changed but its version is still ${sop.version}: raise "version" so running cases keep the old one`,
        );
      }
      this.#cache.set(key(sop.id, sop.version), sop);
      this.#latest.set(sop.id, Math.max(this.#latest.get(sop.id) ?? 0, sop.version));
    }
  }

  /**
   * The newest registered version, used for new cases. Inside a transaction pass it as `via`:
   * PGlite has one connection, and a query beside an open transaction would wait for it forever.
   */
  async latest(sopId: string, via: Tx = this.db): Promise<SopDefinition | undefined> {
    const known = this.#latest.get(sopId);
    if (known) return this.get(sopId, known, via);
    const [row] = await via
      .select({ version: sopDefinitions.version })
      .from(sopDefinitions)
      .where(eq(sopDefinitions.sopId, sopId))
      .orderBy(desc(sopDefinitions.version))
      .limit(1);
    return row ? this.get(sopId, row.version, via) : undefined;
  }

  async get(sopId: string, version: number, via: Tx = this.db): Promise<SopDefinition | undefined> {
    const cached = this.#cache.get(key(sopId, version));
    if (cached) return cached;
    const [row] = await via
      .select({ definition: sopDefinitions.definition })
      .from(sopDefinitions)
      .where(and(eq(sopDefinitions.sopId, sopId), eq(sopDefinitions.version, version)));
    if (!row) return undefined;
    // Stored after validation, so the JSON already has the parsed shape.
    const sop = row.definition as SopDefinition;
    this.#cache.set(key(sopId, version), sop);
    return sop;
  }

  /** The latest version of every SOP the files registered. */
  async all(): Promise<SopDefinition[]> {
    const out: SopDefinition[] = [];
    for (const [id, version] of this.#latest) {
      const sop = await this.get(id, version);
      if (sop) out.push(sop);
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }
}

function key(id: string, version: number) {
  return `${id}@${version}`;
}
