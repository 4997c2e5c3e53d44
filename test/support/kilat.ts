import { fileURLToPath } from 'node:url';
import type { Db } from '../../src/db/client.js';
import { addOfficial, linkChannel } from '../../src/db/officials.js';
import { units } from '../../src/db/schema.js';
import { ALWAYS_WORKING } from '../../src/sop/working-calendar.js';

/**
 * The settings of a service running the "kilat" SOP, whose steps last seconds: with every hour a
 * working one and no holidays, its deadlines fall due while a test waits, whatever the day.
 */
export const KILAT_SETTINGS = {
  SOPS_DIR: fileURLToPath(new URL('../fixtures/sops-kilat', import.meta.url)),
  HOLIDAYS_FILE: fileURLToPath(new URL('../fixtures/no-holidays.yaml', import.meta.url)),
  DEFAULT_UNIT: 'kilat',
} as const;

type KilatRole = 'pimpinan' | 'kepala' | 'pelaksana';

export interface KilatOfficials {
  readonly pimpinan: string;
  readonly kepala: string;
  /** The first of the staff. */
  readonly pelaksana: string;
  readonly staff: readonly string[];
}

export interface KilatUnitOptions {
  /** Staff of the first step; default 1. */
  readonly pelaksana?: number;
  /** Roles whose officials get a chat on `channel`; default none. */
  readonly linked?: readonly KilatRole[];
  /** Default "log". */
  readonly channel?: string;
}

/**
 * The kilat unit, always working, and its chain: Pimpinan (NIP 3) over Kepala (2) over the staff
 * (NIP 1, or 11, 12, … when there are several). A linked official's chat is `chat-<role>`, or
 * `chat-pelaksana-<n>` among several staff.
 */
export async function seedKilatUnit(db: Db, opts: KilatUnitOptions = {}): Promise<KilatOfficials> {
  const count = opts.pelaksana ?? 1;
  const linked = new Set(opts.linked ?? []);
  const channel = opts.channel ?? 'log';
  await db.insert(units).values({ id: 'kilat', name: 'Unit Kilat', workingHours: ALWAYS_WORKING });
  const add = async (role: KilatRole, nip: string, name: string, superiorNip: string | undefined, chat: string) => {
    const id = await addOfficial(db, {
      nip,
      name,
      roleId: role,
      unitId: 'kilat',
      ...(superiorNip ? { superiorNip } : {}),
    });
    if (linked.has(role)) await linkChannel(db, { kind: 'official', id }, channel, chat);
    return id;
  };
  const pimpinan = await add('pimpinan', '3', 'Pimpinan', undefined, 'chat-pimpinan');
  const kepala = await add('kepala', '2', 'Kepala', '3', 'chat-kepala');
  const staff: string[] = [];
  for (let n = 1; n <= count; n++) {
    staff.push(
      count === 1
        ? await add('pelaksana', '1', 'Pelaksana', '2', 'chat-pelaksana')
        : await add('pelaksana', `1${n}`, `Pelaksana ${n}`, '2', `chat-pelaksana-${n}`),
    );
  }
  return { pimpinan, kepala, pelaksana: staff[0] as string, staff };
}
