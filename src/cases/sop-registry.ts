import { createHash } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/index.js';
import { recordAudit, sopActive, sopDefinitions } from '../db/index.js';
import type { SopDefinition } from '../sop/index.js';
import { SopVersionConflictError, SopVersionTakenError } from './errors.js';

export interface SopRegistryOptions {
  /**
   * How long the active versions are kept before they are read again; default 30 s. Another
   * process's activation reaches this one within it even when its notice is lost.
   */
  readonly refreshMs?: number;
  /** Injected so tests can move time; defaults to the wall clock. */
  readonly now?: () => number;
}

/** A file in SOPS_DIR whose version an upload already took; the upload stands. */
export interface SkippedFile {
  readonly sopId: string;
  readonly version: number;
}

/**
 * The SOP versions the service can run, and which one new cases of each SOP take. Files under
 * sops/ are registered at start-up as the shipped defaults; admins upload more through the
 * console and activate one. Every version stays in the database, so a case keeps its version.
 */
export class SopRegistry {
  /** Versions that can no longer change: files and versions once active (drafts are read each time). */
  readonly #frozen = new Map<string, SopDefinition>();
  #active = new Map<string, number>();
  #activeLoadedAt = Number.NEGATIVE_INFINITY;
  readonly #refreshMs: number;
  readonly #now: () => number;

  constructor(
    private readonly db: Db,
    opts: SopRegistryOptions = {},
  ) {
    this.#refreshMs = opts.refreshMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  /**
   * Registers the given definitions (the SOPS_DIR files). A changed file whose version was not
   * raised is refused. A file version new to the database becomes active when it is newer than
   * the active one, so a release's SOP takes over, while an admin's choice of an older version
   * survives restarts. A file whose version an upload took is skipped and returned.
   */
  async register(sops: readonly SopDefinition[]): Promise<SkippedFile[]> {
    const skipped: SkippedFile[] = [];
    for (const sop of sops) {
      const checksum = checksumOf(sop);
      const inserted = await this.db
        .insert(sopDefinitions)
        .values({ sopId: sop.id, version: sop.version, title: sop.title, definition: sop, checksum })
        .onConflictDoNothing()
        .returning({ version: sopDefinitions.version });
      const [stored] = await this.db
        .select({ checksum: sopDefinitions.checksum, source: sopDefinitions.source })
        .from(sopDefinitions)
        .where(and(eq(sopDefinitions.sopId, sop.id), eq(sopDefinitions.version, sop.version)));
      if (stored?.checksum !== checksum) {
        if (stored?.source === 'upload') {
          skipped.push({ sopId: sop.id, version: sop.version });
          continue;
        }
        throw new SopVersionConflictError(
          `SOP ${sop.id} changed but its version is still ${sop.version}: raise "version" so running cases keep the old one`,
        );
      }
      const activate = this.db.insert(sopActive).values({ sopId: sop.id, version: sop.version, activatedBy: null });
      if (inserted.length > 0)
        await activate.onConflictDoUpdate({
          target: sopActive.sopId,
          set: { version: sop.version, activatedAt: sql`now()`, activatedBy: null },
          where: sql`${sopActive.version} < ${sop.version}`,
        });
      else await activate.onConflictDoNothing();
      this.#frozen.set(key(sop.id, sop.version), sop);
    }
    this.invalidate();
    return skipped;
  }

  /**
   * Stores an uploaded version as a draft, not yet taken by new cases. A draft never activated is
   * replaced by the next upload of its version; any other version in use is refused.
   */
  async stage(sop: SopDefinition, uploadedBy: string, ip: string | null = null): Promise<void> {
    const checksum = checksumOf(sop);
    await this.db.transaction(async (tx) => {
      const [stored] = await tx
        .select({ source: sopDefinitions.source, activatedAt: sopDefinitions.activatedAt })
        .from(sopDefinitions)
        .where(and(eq(sopDefinitions.sopId, sop.id), eq(sopDefinitions.version, sop.version)))
        .for('update');
      const taken = async () => {
        const [top] = await tx
          .select({ version: sopDefinitions.version })
          .from(sopDefinitions)
          .where(eq(sopDefinitions.sopId, sop.id))
          .orderBy(desc(sopDefinitions.version))
          .limit(1);
        return new SopVersionTakenError(sop.id, sop.version, (top?.version ?? sop.version) + 1);
      };
      if (stored && (stored.source !== 'upload' || stored.activatedAt !== null)) throw await taken();
      const row = { title: sop.title, definition: sop, checksum, source: 'upload' as const, uploadedBy };
      if (stored)
        await tx
          .update(sopDefinitions)
          .set({ ...row, createdAt: sql`now()` })
          .where(and(eq(sopDefinitions.sopId, sop.id), eq(sopDefinitions.version, sop.version)));
      else {
        // Another upload of the same new version may have come first.
        const inserted = await tx
          .insert(sopDefinitions)
          .values({ sopId: sop.id, version: sop.version, ...row })
          .onConflictDoNothing()
          .returning({ version: sopDefinitions.version });
        if (inserted.length === 0) throw await taken();
      }
      await recordAudit(tx, {
        actor: uploadedBy,
        action: 'sop.upload',
        target: `${sop.id}@${sop.version}`,
        details: { title: sop.title, checksum },
        ip,
      });
    });
  }

  /**
   * Makes a stored version the one new cases take, audited. Other processes learn of it from
   * their refresh; the caller may also tell them at once (SopWatch).
   */
  async activate(sopId: string, version: number, actor: string, ip: string | null = null): Promise<boolean> {
    const done = await this.db.transaction(async (tx) => {
      const [stored] = await tx
        .update(sopDefinitions)
        .set({ activatedAt: sql`coalesce(${sopDefinitions.activatedAt}, now())` })
        .where(and(eq(sopDefinitions.sopId, sopId), eq(sopDefinitions.version, version)))
        .returning({ version: sopDefinitions.version });
      if (!stored) return false;
      const [before] = await tx
        .select({ version: sopActive.version })
        .from(sopActive)
        .where(eq(sopActive.sopId, sopId))
        .for('update');
      await tx
        .insert(sopActive)
        .values({ sopId, version, activatedBy: actor })
        .onConflictDoUpdate({
          target: sopActive.sopId,
          set: { version, activatedAt: sql`now()`, activatedBy: actor },
        });
      await recordAudit(tx, {
        actor,
        action: 'sop.activate',
        target: `${sopId}@${version}`,
        details: { previous: before?.version ?? null },
        ip,
      });
      return true;
    });
    this.invalidate();
    return done;
  }

  /** Read the active versions again on next use (another process activated one). */
  invalidate(): void {
    this.#activeLoadedAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * The active version, which new cases take. Inside a transaction pass it as `via`: PGlite has
   * one connection, and a query beside an open transaction would wait for it forever.
   */
  async active(sopId: string, via: Tx = this.db): Promise<SopDefinition | undefined> {
    const version = (await this.#activeVersions(via)).get(sopId);
    return version === undefined ? undefined : this.get(sopId, version, via);
  }

  /** The version number new cases of each SOP take. */
  async activeVersions(via: Tx = this.db): Promise<ReadonlyMap<string, number>> {
    return this.#activeVersions(via);
  }

  async get(sopId: string, version: number, via: Tx = this.db): Promise<SopDefinition | undefined> {
    const frozen = this.#frozen.get(key(sopId, version));
    if (frozen) return frozen;
    const [row] = await via
      .select({
        definition: sopDefinitions.definition,
        source: sopDefinitions.source,
        activatedAt: sopDefinitions.activatedAt,
      })
      .from(sopDefinitions)
      .where(and(eq(sopDefinitions.sopId, sopId), eq(sopDefinitions.version, version)));
    if (!row) return undefined;
    // Stored after validation, so the JSON already has the parsed shape.
    const sop = row.definition as SopDefinition;
    if (row.source === 'file' || row.activatedAt !== null) this.#frozen.set(key(sopId, version), sop);
    return sop;
  }

  /** The active version of every SOP; `via` as for active. */
  async all(via: Tx = this.db): Promise<SopDefinition[]> {
    const out: SopDefinition[] = [];
    for (const [id, version] of await this.#activeVersions(via)) {
      const sop = await this.get(id, version, via);
      if (sop) out.push(sop);
    }
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  async #activeVersions(via: Tx): Promise<ReadonlyMap<string, number>> {
    if (this.#now() - this.#activeLoadedAt < this.#refreshMs) return this.#active;
    const rows = await via.select({ sopId: sopActive.sopId, version: sopActive.version }).from(sopActive);
    this.#active = new Map(rows.map((r) => [r.sopId, r.version]));
    this.#activeLoadedAt = this.#now();
    return this.#active;
  }
}

function checksumOf(sop: SopDefinition): string {
  return createHash('sha256').update(JSON.stringify(sop)).digest('hex');
}

function key(id: string, version: number) {
  return `${id}@${version}`;
}
