import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import type { Db } from '../db/index.js';
import { type UnitLogo, units } from '../db/index.js';
import { readUnitLogo } from '../files/index.js';
import { IMMUTABLE } from './asset-versions.js';

/** Where browsers load the logo; its content hash in the URL lets them keep it for good. */
export function unitLogoUrl(unitId: string, logo: UnitLogo): string {
  return `/logo/${encodeURIComponent(unitId)}?v=${logo.sha256.slice(0, 16)}`;
}

/**
 * GET /logo/<unit>: a unit's logo, public like the unit's name (the chat and the status page show
 * it). Asked for by its current version it is cached for a year; any other asks again each time.
 */
export const unitLogoRoutes: FastifyPluginAsync<{ db: Db; dataDir: string }> = async (fastify, opts) => {
  fastify.get<{ Params: { unit: string }; Querystring: { v?: string } }>('/logo/:unit', async (req, reply) => {
    const [row] = await opts.db.select({ logo: units.logo }).from(units).where(eq(units.id, req.params.unit));
    const bytes = await readUnitLogo(opts.dataDir, row?.logo ?? null);
    if (!row?.logo || !bytes) return reply.code(404).type('text/plain; charset=utf-8').send('Tidak ada logo.');
    const current = req.query.v === row.logo.sha256.slice(0, 16);
    return reply
      .type(row.logo.mime)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', current ? IMMUTABLE : 'no-cache')
      .send(bytes);
  });
};
