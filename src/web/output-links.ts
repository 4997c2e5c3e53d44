import { extname } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { verifyOutputLink } from '../cases/index.js';
import type { Db } from '../db/index.js';
import { AttachmentStore } from '../files/index.js';
import type { Signer } from '../signing.js';
import { contentDisposition } from './download-links.js';

export interface OutputRoutesOptions {
  readonly db: Db;
  readonly signer: Signer;
  readonly dataDir: string;
  readonly now?: () => Date;
}

/** GET /berkas/:id — an output document, downloaded under the document's name, for a valid link. */
export const outputRoutes: FastifyPluginAsync<OutputRoutesOptions> = async (fastify, opts) => {
  const files = new AttachmentStore({ db: opts.db, dataDir: opts.dataDir });
  fastify.get<{ Params: { id: string }; Querystring: { e?: string; s?: string } }>(
    '/berkas/:id',
    async (req, reply) => {
      const { e, s } = req.query;
      const now = opts.now?.() ?? new Date();
      if (!verifyOutputLink(opts.signer, req.params.id, e, s, now)) {
        return reply
          .code(403)
          .type('text/plain; charset=utf-8')
          .send('Tautan tidak sah atau kedaluwarsa. / This link is not valid or has expired.');
      }
      const meta = await files.get(req.params.id);
      if (!meta?.publicName || meta.sha256 === '-' || !meta.caseId) {
        return reply
          .code(410)
          .type('text/plain; charset=utf-8')
          .send('Dokumen tidak tersedia. / The document is no longer available.');
      }
      const file = await files.open(meta.id);
      if (!file) return reply.code(410).send();
      return reply
        .type(meta.mime)
        .header('content-disposition', contentDisposition(`${meta.publicName}${extname(meta.name).toLowerCase()}`))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .send(file.stream);
    },
  );
};
