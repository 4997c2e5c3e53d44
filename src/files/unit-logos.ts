import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.js';
import { type UnitLogo, units } from '../db/index.js';
import { type FileKind, identifyFile, PHOTO_KINDS } from './file-kinds.js';
import { storeFile } from './stored-file.js';

/** PNG and JPEG only: the PDF renderer (pdfkit) embeds no other kind. */
const LOGO_KINDS: readonly FileKind[] = PHOTO_KINDS.filter((k) => k.mime !== 'image/webp');
export const LOGO_MAX_BYTES = 2 * 1024 * 1024;

const dirOf = (dataDir: string) => join(dataDir, 'logos');

/**
 * Sets a unit's logo: checked by its content, written under DATA_DIR/logos with a fresh id, then
 * recorded on the unit; the logo it replaces is removed from the disk. Throws FileRejectedError.
 */
export async function setUnitLogo(
  db: Db,
  dataDir: string,
  unitId: string,
  upload: { name: string; bytes: Uint8Array },
): Promise<UnitLogo> {
  const { kind } = await identifyFile(upload.bytes, upload.name, LOGO_KINDS, LOGO_MAX_BYTES);
  const [before] = await db.select({ logo: units.logo }).from(units).where(eq(units.id, unitId));
  const logo = await storeFile(dirOf(dataDir), upload.bytes, async (file) => {
    const stored: UnitLogo = { id: file.id, mime: kind.mime as UnitLogo['mime'], sha256: file.sha256 };
    await db.update(units).set({ logo: stored }).where(eq(units.id, unitId));
    return stored;
  });
  if (before?.logo) await forget(dataDir, before.logo);
  return logo;
}

/** Takes the unit's logo away, from the row and the disk. */
export async function removeUnitLogo(db: Db, dataDir: string, unitId: string): Promise<void> {
  const [before] = await db.select({ logo: units.logo }).from(units).where(eq(units.id, unitId));
  if (!before?.logo) return;
  await db.update(units).set({ logo: null }).where(eq(units.id, unitId));
  await forget(dataDir, before.logo);
}

/** The logo's bytes, or null when the unit has none or its file is gone from the disk. */
export async function readUnitLogo(dataDir: string, logo: UnitLogo | null): Promise<Buffer | null> {
  if (!logo || !/^[0-9a-f-]{36}$/.test(logo.id)) return null;
  return readFile(join(dirOf(dataDir), logo.id)).catch(() => null);
}

async function forget(dataDir: string, logo: UnitLogo): Promise<void> {
  if (/^[0-9a-f-]{36}$/.test(logo.id)) await unlink(join(dirOf(dataDir), logo.id)).catch(() => {});
}
