import fastifyMultipart from '@fastify/multipart';
import { count } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { downloads } from '../../db/index.js';
import type { DocumentRow } from '../../files/index.js';
import { DocumentInvalidError, FileRejectedError } from '../../files/index.js';
import { html, type SafeHtml } from '../../html.js';
import { contentDisposition } from '../download-links.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, field, isUuid, requireAdmin, sendPage, trOf, userOf, when } from './console-request.js';
import { csrfField } from './layout.js';
import { csrfMatches, type SectionOptions } from './plugin.js';

const PATH = '/admin/documents';

interface Draft {
  readonly number: string;
  readonly title: string;
  readonly revision: string;
  readonly revisionDate: string;
  readonly category: string;
  readonly synopsis: string;
}

const EMPTY: Draft = { number: '', title: '', revision: '0', revisionDate: '', category: '', synopsis: '' };

/**
 * Documents (SOP 000 steps 1–2): upload with their details, publish, withdraw, and a new revision
 * that keeps the older ones. Uploads are multipart: their CSRF token is the form's first field.
 */
export const documentsSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);
  const store = app.documents;
  await fastify.register(fastifyMultipart, {
    // preservePath: see the name as sent, so a name with folders is refused rather than silently cut.
    preservePath: true,
    limits: { fileSize: store.maxBytes, files: 1, fields: 10, parts: 11, fieldSize: 8000 },
  });

  fastify.get(PATH, async (req, reply) => {
    const tr = trOf(req);
    const notice = noticeOf(req, await lookup(app, (req.query as { done?: string; id?: string }).id));
    const rows = await store.listAll();
    const counted = await app.database.db
      .select({ documentId: downloads.documentId, n: count() })
      .from(downloads)
      .groupBy(downloads.documentId);
    const downloadsOf = new Map(counted.map((c) => [c.documentId, c.n]));
    const user = userOf(req);
    const body = html`${notice}
<p>${tr('admin.documents.intro')}</p>
<p><a href="${PATH}/new">${tr('admin.documents.upload')}</a></p>
${
  rows.length === 0
    ? html`<p>${tr('admin.documents.none')}</p>`
    : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.documents.number')}</th><th scope="col">${tr('admin.documents.title_field')}</th><th scope="col">${tr('admin.documents.revision')}</th><th scope="col">${tr('admin.documents.revision_date')}</th><th scope="col">${tr('admin.documents.category')}</th><th scope="col">${tr('admin.documents.status')}</th><th scope="col">${tr('admin.documents.downloads')}</th><th scope="col">${tr('admin.documents.uploaded')}</th><th scope="col">${tr('admin.documents.actions')}</th></tr></thead>
<tbody>${rows.map((doc) => {
        const status = statusOf(doc, rows);
        return html`<tr>
<td>${doc.number}</td><td>${doc.title}<br><span class="muted">${doc.fileName} · ${kilobytes(doc.size)}</span></td><td>${doc.revision}</td><td>${doc.revisionDate ?? '–'}</td><td>${doc.category ?? '–'}</td>
<td${doc.published ? html` class="ok"` : ''}>${status.superseded === null ? tr(doc.published ? 'admin.documents.status.published' : 'admin.documents.status.draft') : tr('admin.documents.status.superseded', { revision: String(status.superseded) })}</td>
<td>${downloadsOf.get(doc.id) ?? 0}</td><td>${when(doc.createdAt, req, app.config.TZ_DEFAULT)}</td>
<td class="actions">
<form method="post" action="${PATH}/${doc.id}/${doc.published ? 'unpublish' : 'publish'}">${csrfField(user)}<button type="submit"${doc.published ? html` class="secondary"` : ''} aria-label="${tr(doc.published ? 'admin.documents.unpublish' : 'admin.documents.publish')} ${doc.number} rev ${doc.revision}">${tr(doc.published ? 'admin.documents.unpublish' : 'admin.documents.publish')}</button></form>
<a href="${PATH}/new?from=${doc.id}">${tr('admin.documents.new_revision')}</a>
<a href="${PATH}/${doc.id}/file">${tr('admin.documents.view_file')}</a>
</td></tr>`;
      })}</tbody></table></div>`
}`;
    return sendPage(req, reply, { title: tr('admin.nav.documents'), path: PATH, body });
  });

  fastify.get(`${PATH}/new`, async (req, reply) => {
    const from = await lookup(app, (req.query as { from?: string }).from);
    const draft: Draft = from
      ? {
          number: from.number,
          title: from.title,
          revision: String((await highestRevision(app, from.number)) + 1),
          revisionDate: '',
          category: from.category ?? '',
          synopsis: from.synopsis,
        }
      : EMPTY;
    return uploadForm(req, reply, app, draft, null, 200, from !== undefined);
  });

  fastify.post(PATH, { config: { csrfInForm: true } }, async (req, reply) => {
    const fields: Record<string, string> = {};
    let file: { name: string; bytes: Buffer } | undefined;
    const forged = () => reply.code(403).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.csrf'));
    try {
      for await (const part of req.parts()) {
        // The token is the form's first field: no file is read for a request without it.
        if (part.type === 'file' && !csrfMatches(userOf(req), fields._csrf)) return forged();
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          if (part.fieldname === 'file' && !file && part.filename) file = { name: part.filename, bytes };
        } else if (typeof part.value === 'string') {
          fields[part.fieldname] = part.value;
        }
      }
    } catch (err) {
      if (err instanceof fastify.multipartErrors.RequestFileTooLargeError) {
        return uploadForm(
          req,
          reply,
          app,
          draftOf(fields),
          refusal(req, new FileRejectedError('file_too_large', { max: megabytes(store.maxBytes) })),
          413,
        );
      }
      throw err;
    }
    if (!csrfMatches(userOf(req), fields._csrf)) return forged();
    const draft = draftOf(fields);
    const tr = trOf(req);
    if (!file) return uploadForm(req, reply, app, draft, tr('admin.documents.no_file'), 400);
    if (!nameIsPlain(file.name)) return uploadForm(req, reply, app, draft, tr('admin.documents.bad_name'), 400);
    const revision = /^\d{1,3}$/.test(draft.revision) ? Number(draft.revision) : Number.NaN;
    try {
      const doc = await store.add({
        number: draft.number,
        title: draft.title,
        revision,
        revisionDate: draft.revisionDate || null,
        category: draft.category || null,
        synopsis: draft.synopsis,
        fileName: file.name,
        bytes: file.bytes,
      });
      await audit(app, req, 'document.upload', doc.id, {
        number: doc.number,
        revision: doc.revision,
        fileName: doc.fileName,
        sha256: doc.sha256,
      });
      return reply.redirect(`${PATH}?done=added&id=${doc.id}`, 303);
    } catch (err) {
      if (err instanceof FileRejectedError)
        return uploadForm(req, reply, app, draft, refusal(req, err), err.statusCode);
      if (err instanceof DocumentInvalidError) {
        const message = err.message.includes('already has revision')
          ? tr('admin.documents.duplicate', { number: draft.number, revision: draft.revision })
          : tr('admin.documents.invalid', {
              field: tr(`admin.documents.field.${err.field}`),
              reason: err.message.replace(/^\w+: /, ''),
            });
        return uploadForm(req, reply, app, draft, message, 400);
      }
      throw err;
    }
  });

  for (const [action, publish] of [
    ['publish', true],
    ['unpublish', false],
  ] as const) {
    fastify.post<{ Params: { id: string } }>(`${PATH}/:id/${action}`, async (req, reply) => {
      const doc = await lookup(app, req.params.id);
      if (!doc) return notFound(req, reply);
      await (publish ? store.publish(doc.id) : store.unpublish(doc.id));
      await audit(app, req, `document.${action}`, doc.id, { number: doc.number, revision: doc.revision });
      return reply.redirect(`${PATH}?done=${action}ed&id=${doc.id}`, 303);
    });
  }

  // The admin checks the file before publishing it; the public get it only through signed links.
  fastify.get<{ Params: { id: string } }>(`${PATH}/:id/file`, async (req, reply) => {
    const file = isUuid(req.params.id) ? await store.open(req.params.id) : undefined;
    if (!file) return notFound(req, reply);
    return reply
      .type(file.meta.mime)
      .header('content-length', file.meta.size)
      .header('content-disposition', contentDisposition(file.meta.fileName))
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-store')
      .send(file.stream);
  });
};

async function lookup(app: ConsoleDeps, id: string | undefined): Promise<DocumentRow | undefined> {
  return id && isUuid(id) ? app.documents.get(id) : undefined;
}

async function highestRevision(app: ConsoleDeps, number: string): Promise<number> {
  const all = await app.documents.listAll();
  return Math.max(-1, ...all.filter((d) => d.number === number).map((d) => d.revision));
}

/** A published revision is superseded when a higher revision of its number is published too. */
function statusOf(doc: DocumentRow, all: readonly DocumentRow[]): { superseded: number | null } {
  if (!doc.published) return { superseded: null };
  const higher = all.filter((d) => d.number === doc.number && d.published && d.revision > doc.revision);
  return { superseded: higher.length > 0 ? Math.max(...higher.map((d) => d.revision)) : null };
}

function noticeOf(req: FastifyRequest, doc: DocumentRow | undefined): SafeHtml | string {
  const done = (req.query as { done?: string }).done;
  if (!doc || !done || !['added', 'published', 'unpublished'].includes(done)) return '';
  return html`<p class="notice" role="status">${trOf(req)(`admin.documents.${done}`, { number: doc.number, revision: String(doc.revision) })}</p>`;
}

function draftOf(fields: Record<string, string>): Draft {
  return {
    number: field(fields, 'number'),
    title: field(fields, 'title'),
    revision: field(fields, 'revision') || '0',
    revisionDate: field(fields, 'revisionDate'),
    category: field(fields, 'category'),
    synopsis: field(fields, 'synopsis'),
  };
}

/**
 * A browser sends only a file's own name. One with folders in it ("../../etc/x.pdf",
 * "..\\x.pdf") was made by hand to reach outside the store: refused, though the store would
 * only ever use the id as a path.
 */
function nameIsPlain(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  return !/[/\\\u0000-\u001f]/.test(name) && !/^\.\.?$/.test(name) && name.length <= 255;
}

function refusal(req: FastifyRequest, err: FileRejectedError): string {
  return trOf(req)(err.messageKey, err.params);
}

async function uploadForm(
  req: FastifyRequest,
  reply: FastifyReply,
  app: ConsoleDeps,
  draft: Draft,
  error: string | null,
  status: number,
  /** Titled as a new revision of `draft.number`. */
  isRevision = false,
): Promise<FastifyReply> {
  const tr = trOf(req);
  const user = userOf(req);
  const categories = [...new Set((await app.documents.listAll()).map((d) => d.category).filter(Boolean))];
  const body = html`${error ? html`<p class="error" role="alert" id="form-error">${error}</p>` : ''}
<form method="post" action="${PATH}" enctype="multipart/form-data" class="stacked"${error ? html` aria-describedby="form-error"` : ''}>
  ${csrfField(user)}
  <label for="number">${tr('admin.documents.number')}</label>
  <input id="number" name="number" required maxlength="80" value="${draft.number}" placeholder="${tr('admin.documents.number_hint')}">
  <label for="title">${tr('admin.documents.title_field')}</label>
  <input id="title" name="title" required maxlength="300" value="${draft.title}">
  <label for="revision">${tr('admin.documents.revision')}</label>
  <input id="revision" name="revision" type="number" min="0" max="999" required value="${draft.revision}">
  <label for="revisionDate">${tr('admin.documents.revision_date')}</label>
  <input id="revisionDate" name="revisionDate" type="date" value="${draft.revisionDate}">
  <label for="category">${tr('admin.documents.category')}</label>
  <input id="category" name="category" maxlength="100" list="categories" value="${draft.category}">
  <datalist id="categories">${categories.map((c) => html`<option value="${c}"></option>`)}</datalist>
  <label for="synopsis">${tr('admin.documents.synopsis')}</label>
  <textarea id="synopsis" name="synopsis" required maxlength="4000" rows="5" aria-describedby="synopsis-hint">${draft.synopsis}</textarea>
  <span id="synopsis-hint" class="muted">${tr('admin.documents.synopsis_hint')}</span>
  <label for="file">${tr('admin.documents.file', { max: megabytes(app.documents.maxBytes) })}</label>
  <input id="file" name="file" type="file" required accept=".pdf,.docx,.xlsx,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet">
  <button type="submit">${tr('admin.documents.submit')}</button>
</form>`;
  return sendPage(req, reply, {
    title: isRevision
      ? tr('admin.documents.revision_title', { number: draft.number })
      : tr('admin.documents.new_title'),
    path: PATH,
    body,
    status,
  });
}

function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.not_found'));
}

const megabytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MB`;
const kilobytes = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : megabytes(bytes));
