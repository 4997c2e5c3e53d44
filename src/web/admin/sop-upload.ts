import fastifyMultipart from '@fastify/multipart';
import { and, eq, isNotNull, max, or } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'yaml';
import { SopVersionTakenError } from '../../cases/index.js';
import { sopDefinitions } from '../../db/index.js';
import { html, type SafeHtml } from '../../html.js';
import { t } from '../../i18n/index.js';
import type { SopDefinition } from '../../sop/index.js';
import { toSopSource } from '../../sop/index.js';
import { readSopUpload, sopToXlsx, UPLOAD_KINDS, type UploadProblem } from '../../sop-document/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { actorOf, requireAdmin, sendPage, trOf, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import { csrfMatches, type SectionOptions } from './plugin.js';

const PATH = '/admin/sop';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const YAML_TYPE = 'application/yaml; charset=utf-8';
/** A procedure sheet of a few hundred rows is well under this; anything bigger is not an SOP. */
const MAX_BYTES = 2 * 1024 * 1024;

/** An SOP as its author writes it, the same text SOPS_DIR holds and the upload reads back. */
export function sopAsYaml(sop: SopDefinition): string {
  return stringify(toSopSource(sop), { lineWidth: 0 });
}

/** The upload form; its CSRF token comes first, so no file is read for a forged request. */
export function uploadForm(req: FastifyRequest): SafeHtml {
  const tr = trOf(req);
  return html`<h2>${tr('admin.sop.upload_title')}</h2>
<form method="post" action="${PATH}/upload" enctype="multipart/form-data" class="stacked sop-upload">
  ${csrfField(userOf(req))}
  <label for="sop-file">${tr('admin.sop.upload_file')}</label>
  <input id="sop-file" name="file" type="file" required accept="${UPLOAD_KINDS.join(',')}" aria-describedby="sop-file-hint">
  <span id="sop-file-hint" class="muted">${tr('admin.sop.upload_hint')}</span>
  <button type="submit">${tr('admin.sop.upload_submit')}</button>
</form>`;
}

/**
 * Authoring an SOP without code (admins only): upload a new SOP or version as a sheet or YAML,
 * checked with every problem listed and stored as a draft whose document is previewed; then
 * activation, audited and announced to every process. Templates are any version's sheet or YAML
 * numbered as the next version.
 */
export const sopUploadSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);
  await fastify.register(fastifyMultipart, {
    limits: { fileSize: MAX_BYTES, files: 1, fields: 2, parts: 3, fieldSize: 200 },
  });

  fastify.post(`${PATH}/upload`, { config: { csrfInForm: true } }, async (req, reply) => {
    const tr = trOf(req);
    let csrf: unknown;
    let file: { name: string; bytes: Buffer } | undefined;
    const forged = () => reply.code(403).type('text/plain; charset=utf-8').send(tr('admin.error.csrf'));
    try {
      for await (const part of req.parts()) {
        if (part.type === 'field' && part.fieldname === '_csrf') csrf = part.value;
        if (part.type !== 'file') continue;
        if (!csrfMatches(userOf(req), csrf)) return forged();
        const bytes = await part.toBuffer();
        if (part.fieldname === 'file' && !file && part.filename) file = { name: part.filename, bytes };
      }
    } catch (err) {
      if (err instanceof fastify.multipartErrors.RequestFileTooLargeError)
        return refused(req, reply, [{ where: '', message: tr('admin.sop.too_large') }], 413);
      throw err;
    }
    if (!csrfMatches(userOf(req), csrf)) return forged();
    if (!file) return refused(req, reply, [{ where: '', message: tr('admin.sop.no_file') }], 400);
    const read = await readSopUpload(file.name, file.bytes);
    if (!read.ok) return refused(req, reply, read.problems, 422, file.name);
    try {
      await app.sops.stage(read.sop, await actorOf(app, userOf(req)), req.ip);
    } catch (err) {
      if (!(err instanceof SopVersionTakenError)) throw err;
      const params = { id: err.sopId, version: String(err.version), next: String(err.next) };
      return refused(req, reply, [{ where: 'version', message: tr(err.messageKey, params) }], 422, file.name);
    }
    return reply.redirect(`${PATH}/${encodeURIComponent(read.sop.id)}/${read.sop.version}`, 303);
  });

  fastify.post(`${PATH}/:id/:version/activate`, async (req, reply) => {
    const { id, version } = req.params as { id: string; version: string };
    const n = Number(version);
    const done =
      Number.isInteger(n) && n > 0 && (await app.sops.activate(id, n, await actorOf(app, userOf(req)), req.ip));
    if (!done) return reply.code(404).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.not_found'));
    await app.sopWatch.announce(id, n);
    return reply.redirect(`${PATH}?activated=${encodeURIComponent(id)}&version=${n}`, 303);
  });

  const template = async (req: FastifyRequest): Promise<SopDefinition | undefined> => {
    const { id, version } = req.params as { id: string; version: string };
    const n = Number(version);
    const sop = Number.isInteger(n) && n > 0 ? await app.sops.get(id, n) : undefined;
    return sop ? { ...sop, version: await nextVersion(app, id) } : undefined;
  };
  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.not_found'));

  fastify.get(`${PATH}/:id/:version/template.xlsx`, async (req, reply) => {
    const sop = await template(req);
    if (!sop) return notFound(req, reply);
    return reply
      .type(XLSX_TYPE)
      .header('content-disposition', `attachment; filename="${sop.id}-v${sop.version}.xlsx"`)
      .send(await sopToXlsx(sop));
  });

  fastify.get(`${PATH}/:id/:version/template.yaml`, async (req, reply) => {
    const sop = await template(req);
    if (!sop) return notFound(req, reply);
    return reply
      .type(YAML_TYPE)
      .header('content-disposition', `attachment; filename="${sop.id}-v${sop.version}.yaml"`)
      .send(sopAsYaml(sop));
  });
};

/** The version an upload of the SOP takes: past every version in use (a draft's may be reused). */
async function nextVersion(app: ConsoleDeps, sopId: string): Promise<number> {
  const [row] = await app.database.db
    .select({ top: max(sopDefinitions.version) })
    .from(sopDefinitions)
    .where(
      and(
        eq(sopDefinitions.sopId, sopId),
        or(eq(sopDefinitions.source, 'file'), isNotNull(sopDefinitions.activatedAt)),
      ),
    );
  return (row?.top ?? 0) + 1;
}

/** The upload refused: every problem where its author finds it; nothing was stored or activated. */
function refused(
  req: FastifyRequest,
  reply: FastifyReply,
  problems: readonly UploadProblem[],
  status: number,
  fileName = '',
): FastifyReply {
  const tr = trOf(req);
  const body = html`<div class="error" role="alert" id="upload-problems">
<p>${fileName ? tr('admin.sop.refused', { file: fileName, count: String(problems.length) }) : tr('admin.sop.refused_plain')}</p>
<div class="table-wrap"><table class="sop-problems">
<thead><tr><th scope="col">${tr('admin.sop.problem_where')}</th><th scope="col">${tr('admin.sop.problem')}</th></tr></thead>
<tbody>${problems.map((p) => html`<tr><td class="where">${p.where}</td><td class="message">${p.message}</td></tr>`)}</tbody>
</table></div></div>
${uploadForm(req)}`;
  return sendPage(req, reply, { title: tr('admin.sop.refused_title'), path: PATH, body, status });
}
