import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Db } from '../db/index.js';
import { cases, officials, recordAudit } from '../db/index.js';
import type { AttachmentStore } from '../files/index.js';
import { extendCatalog } from '../i18n/index.js';
import type { AttachmentLinks } from '../links/index.js';
import { contentDisposition, politePage } from './download-links.js';

extendCatalog('id', {
  'web.attachment_expired':
    'Mohon maaf, tautan lampiran ini sudah kedaluwarsa. Ketik TUGAS di percakapan SIPUT lalu buka tugasnya untuk tautan baru.',
  'web.attachment_invalid':
    'Mohon maaf, tautan lampiran ini tidak sah atau bukan untuk Anda. Pastikan tautan tersalin lengkap, atau ketik TUGAS di percakapan SIPUT untuk tautan baru.',
  'web.attachment_gone': 'Mohon maaf, berkas ini tidak lagi tersedia.',
  'web.attachment_admin_only': 'Berkas pelapor pada laporan rahasia hanya dapat dibuka admin melalui konsol.',
});
extendCatalog('en', {
  'web.attachment_expired':
    'Sorry, this attachment link has expired. Send TUGAS in the SIPUT chat and open the task for a new one.',
  'web.attachment_invalid':
    'Sorry, this attachment link is not valid or not yours. Make sure the whole link was copied, or send TUGAS in the SIPUT chat for a new one.',
  'web.attachment_gone': 'Sorry, this file is no longer available.',
  'web.attachment_admin_only': 'A confidential reporter’s files can only be opened by an admin, in the console.',
});

export interface AttachmentDownloadOptions {
  readonly db: Db;
  readonly files: AttachmentStore;
  readonly links: AttachmentLinks;
  /** Moves the clock links are checked against (tests). */
  readonly now?: () => Date;
}

/**
 * GET /lampiran/:id — a case's file for the official the link was signed for, while the link
 * lasts and the official is active. Each opening is in the audit log: who read which file.
 */
export const attachmentDownloadRoutes: FastifyPluginAsync<AttachmentDownloadOptions> = async (fastify, opts) => {
  const refuse = (reply: FastifyReply, status: number, key: string) =>
    reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(politePage(key));

  fastify.get<{ Params: { id: string }; Querystring: { p?: string; e?: string; s?: string } }>(
    '/lampiran/:id',
    async (req, reply) => {
      const { id } = req.params;
      const check = opts.links.verify(id, req.query.p, req.query.e, req.query.s, opts.now?.() ?? new Date());
      if (check !== 'valid') return refuse(reply, 403, `web.attachment_${check}`);
      const [reader] = await opts.db
        .select({ id: officials.id, active: officials.active })
        .from(officials)
        .where(eq(officials.id, req.query.p ?? ''));
      if (!reader?.active) return refuse(reply, 403, 'web.attachment_invalid');
      const meta = await opts.files.get(id);
      const [kase] = meta?.caseId
        ? await opts.db
            .select({ ticket: cases.ticket, rahasia: cases.rahasia })
            .from(cases)
            .where(eq(cases.id, meta.caseId))
        : [];
      // Erased with its sender's personal data (UU PDP): the row stays for the record, the bytes are gone.
      if (!meta || !kase || meta.sha256 === '-') return refuse(reply, 410, 'web.attachment_gone');
      // A rahasia reporter's own files may show who they are: admins only, in the console.
      if (kase.rahasia && meta.kelengkapan === null) return refuse(reply, 403, 'web.attachment_admin_only');
      const file = await opts.files.open(meta.id);
      if (!file) return refuse(reply, 410, 'web.attachment_gone');
      await recordAudit(opts.db, {
        actor: `official:${reader.id}`,
        action: 'attachment.open',
        target: kase.ticket,
        details: { attachmentId: meta.id, kelengkapan: meta.kelengkapan },
        ip: req.ip,
      });
      return reply
        .type(file.meta.mime)
        .header('content-length', file.meta.size)
        .header('content-disposition', contentDisposition(file.meta.name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header('referrer-policy', 'no-referrer')
        .send(file.stream);
    },
  );
};
