import { asc, count, eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { cases, sopDefinitions } from '../../db/index.js';
import { html, SafeHtml } from '../../html.js';
import { t } from '../../i18n/index.js';
import type { SopDefinition } from '../../sop/index.js';
import { diffVersions, documentToPdf, layoutSopDocument, pageToSvg, sopToXlsx } from '../../sop-document/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { isAdmin, sendPage, trOf, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import type { SectionOptions } from './plugin.js';
import { sopAsYaml, uploadForm, YAML_TYPE } from './sop-upload.js';

const PATH = '/admin/sop';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface VersionRow {
  readonly sopId: string;
  readonly version: number;
  readonly title: string;
  /** An upload never activated: the next upload of its version replaces it. */
  readonly draft: boolean;
  readonly running: number;
}

/** Every stored version of every SOP, with the cases still open on each. */
async function versions(app: ConsoleDeps): Promise<VersionRow[]> {
  const [rows, open] = await Promise.all([
    app.database.db
      .select({
        sopId: sopDefinitions.sopId,
        version: sopDefinitions.version,
        title: sopDefinitions.title,
        source: sopDefinitions.source,
        activatedAt: sopDefinitions.activatedAt,
      })
      .from(sopDefinitions)
      .orderBy(asc(sopDefinitions.sopId), asc(sopDefinitions.version)),
    app.database.db
      .select({ sopId: cases.sopId, version: cases.sopVersion, n: count() })
      .from(cases)
      .where(eq(cases.status, 'open'))
      .groupBy(cases.sopId, cases.sopVersion),
  ]);
  const running = new Map(open.map((o) => [`${o.sopId}@${o.version}`, o.n]));
  return rows.map(({ source, activatedAt, ...r }) => ({
    ...r,
    draft: source === 'upload' && activatedAt === null,
    running: running.get(`${r.sopId}@${r.version}`) ?? 0,
  }));
}

/** Console accounts (admin and pimpinan) read SOPs; officials signed in from a chat do not. */
async function requireAccount(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (req.consoleUser?.kind === 'account') return;
  await reply.code(403).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.forbidden'));
}

/**
 * The SOP section: every SOP with its versions, which one new cases take and how many cases run
 * on each; a version's PermenPANRB 35/2012 document inline (SVG) and as PDF and XLSX downloads;
 * the difference between two versions.
 */
export const sopSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAccount);

  const find = async (req: FastifyRequest): Promise<SopDefinition | undefined> => {
    const { id, version } = req.params as { id: string; version: string };
    const n = Number(version);
    return Number.isInteger(n) && n > 0 ? app.sops.get(id, n) : undefined;
  };
  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    reply.code(404).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.not_found'));

  fastify.get(PATH, async (req, reply) => {
    const tr = trOf(req);
    const rows = await versions(app);
    const ids = [...new Set(rows.map((r) => r.sopId))];
    const active = await app.sops.activeVersions();
    const body = html`${activatedNotice(req)}<p>${tr('admin.sop.intro')}</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${tr('admin.sop.id')}</th><th scope="col">${tr('admin.sop.sop_title')}</th><th scope="col">${tr('admin.sop.versions')}</th></tr></thead>
<tbody>${ids.map((id) => {
      const own = rows.filter((r) => r.sopId === id);
      const newest = own[own.length - 1];
      return html`<tr data-sop="${id}"><td>${id}</td><td>${newest?.title ?? ''}</td><td><ul>${own
        .slice()
        .reverse()
        .map(
          (v) =>
            html`<li data-version="${v.version}"><a href="${PATH}/${id}/${v.version}">${tr('admin.sop.version', { version: String(v.version) })}</a>${
              active.get(id) === v.version
                ? html` <strong class="active">(${tr('admin.sop.active')})</strong>`
                : v.draft
                  ? html` <em class="draft">(${tr('admin.sop.draft')})</em>`
                  : ''
            } · <span class="running">${tr('admin.sop.running', { count: String(v.running) })}</span></li>`,
        )}</ul></td></tr>`;
    })}</tbody></table></div>
${isAdmin(userOf(req)) ? uploadForm(req) : ''}`;
    return sendPage(req, reply, { title: tr('admin.sop.title'), path: PATH, body });
  });

  fastify.get(`${PATH}/:id/:version`, async (req, reply) => {
    const sop = await find(req);
    if (!sop) return notFound(req, reply);
    const tr = trOf(req);
    const own = (await versions(app)).filter((r) => r.sopId === sop.id);
    const others = own.filter((r) => r.version !== sop.version);
    const isActive = (await app.sops.activeVersions()).get(sop.id) === sop.version;
    const draft = own.find((r) => r.version === sop.version)?.draft ?? false;
    const user = userOf(req);
    const document = layoutSopDocument(sop);
    const pages = document.pages.map(
      (p, i) =>
        html`<figure class="sop-page" aria-label="${tr('admin.sop.page', { page: String(i + 1), pages: String(document.pages.length) })}">${new SafeHtml(
          pageToSvg(p, sop.title),
        )}</figure>`,
    );
    const base = `${PATH}/${sop.id}/${sop.version}`;
    const status = isActive ? 'active' : draft ? 'draft' : 'inactive';
    const body = html`<p class="sop-status" data-status="${status}">${tr(`admin.sop.status_${status}`)}</p>
${
  isAdmin(user) && !isActive
    ? html`<form method="post" action="${base}/activate">${csrfField(user)}<button type="submit">${tr('admin.sop.activate', { version: String(sop.version) })}</button></form>`
    : ''
}
<p><a href="${base}.pdf" download>${tr('admin.sop.download_pdf')}</a> · <a href="${base}.xlsx" download>${tr('admin.sop.download_xlsx')}</a> · <a href="${base}.yaml" download>${tr('admin.sop.download_yaml')}</a></p>
${
  isAdmin(user)
    ? html`<p>${tr('admin.sop.template')} <a href="${base}/template.xlsx" download>XLSX</a> · <a href="${base}/template.yaml" download>YAML</a></p>`
    : ''
}
${
  others.length > 0
    ? html`<form method="get" action="${PATH}/${sop.id}/diff" class="filters">
  <input type="hidden" name="from" value="${sop.version}">
  <label for="diff-to">${tr('admin.sop.compare')}
    <select id="diff-to" name="to">${others.map((o) => html`<option value="${o.version}">${o.version}</option>`)}</select></label>
  <button type="submit">${tr('admin.sop.compare_button')}</button>
</form>`
    : ''
}
<h2>${tr('admin.sop.document')}</h2>
<div class="sop-document">${pages}</div>`;
    return sendPage(req, reply, {
      title: `${draft ? `${tr('admin.sop.preview')}: ` : ''}${sop.title} · ${tr('admin.sop.version', { version: String(sop.version) })}`,
      path: PATH,
      body,
    });
  });

  fastify.get(`${PATH}/:id/:version.pdf`, async (req, reply) => {
    const sop = await find(req);
    if (!sop) return notFound(req, reply);
    const pdf = await documentToPdf(layoutSopDocument(sop));
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${sop.id}-v${sop.version}.pdf"`)
      .send(pdf);
  });

  fastify.get(`${PATH}/:id/:version.xlsx`, async (req, reply) => {
    const sop = await find(req);
    if (!sop) return notFound(req, reply);
    return reply
      .type(XLSX_TYPE)
      .header('content-disposition', `attachment; filename="${sop.id}-v${sop.version}.xlsx"`)
      .send(await sopToXlsx(sop));
  });

  fastify.get(`${PATH}/:id/:version.yaml`, async (req, reply) => {
    const sop = await find(req);
    if (!sop) return notFound(req, reply);
    return reply
      .type(YAML_TYPE)
      .header('content-disposition', `attachment; filename="${sop.id}-v${sop.version}.yaml"`)
      .send(sopAsYaml(sop));
  });

  fastify.get(`${PATH}/:id/diff`, async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = req.query as { from?: string; to?: string };
    const [older, newer] = [Number(q.from), Number(q.to)].sort((a, b) => a - b);
    const a = Number.isInteger(older) ? await app.sops.get(id, older ?? 0) : undefined;
    const b = Number.isInteger(newer) ? await app.sops.get(id, newer ?? 0) : undefined;
    if (!a || !b) return notFound(req, reply);
    const tr = trOf(req);
    const lines = diffVersions(a, b);
    const changed = lines.some((l) => l.kind !== 'same');
    const params = { id, from: String(a.version), to: String(b.version) };
    const body = changed
      ? html`<p>${tr('admin.sop.diff_legend', params)}</p>
<pre class="sop-diff">${lines.map((l) =>
          l.kind === 'same'
            ? html`<span>  ${l.text}</span>\n`
            : html`<span class="${l.kind}">${l.kind === 'added' ? '+ ' : '− '}${l.text}</span>\n`,
        )}</pre>`
      : html`<p>${tr('admin.sop.diff_none')}</p>`;
    return sendPage(req, reply, { title: tr('admin.sop.diff_title', params), path: PATH, body });
  });
};

/** After an activation: which version new cases now take. */
function activatedNotice(req: FastifyRequest): SafeHtml | string {
  const q = req.query as { activated?: string; version?: string };
  if (!q.activated || !/^\d{1,9}$/.test(q.version ?? '')) return '';
  return html`<p class="notice" role="status">${trOf(req)('admin.sop.activated', { id: q.activated, version: q.version ?? '' })}</p>`;
}
