import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { checkField, fieldText } from '../../cases/index.js';
import { cases } from '../../db/index.js';
import { html, type SafeHtml } from '../../html.js';
import type { Language } from '../../i18n/index.js';
import { t } from '../../i18n/index.js';
import type { CaseField, SopDefinition } from '../../sop/index.js';
import { audit, field, isAdmin, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import type { SectionOptions } from './plugin.js';
import type { ConsoleUser } from './sessions.js';

/** A field's label in the page's language. */
export function fieldLabel(f: CaseField, language: Language): string {
  return (language === 'en' ? f.label.en : undefined) ?? f.label.id;
}

/**
 * The case's own fields its SOP declares (seed 004: No. dokumen, revisi, tgl. revisi, kategori),
 * who opened it, and for admins a form to record the fields the officials fill in.
 */
export function caseFieldsBlock(
  row: { ticket: string; fields: Readonly<Record<string, string>> },
  sop: SopDefinition | undefined,
  opts: { user: ConsoleUser; language: Language; initiator: string | null; error: string | null; saved: boolean },
): SafeHtml {
  const tr = (key: string, params?: Record<string, string>) => t(opts.language, key, params);
  const declared = sop?.fields ?? [];
  if (declared.length === 0 && !opts.initiator) return html``;
  const values = declared.map(
    (f) =>
      html`<dt>${fieldLabel(f, opts.language)}</dt><dd>${fieldText(f, row.fields[f.id], opts.language) || '–'}</dd>`,
  );
  const editable = isAdmin(opts.user) && declared.length > 0;
  const input = (f: CaseField) => {
    const name = `field-${f.id}`;
    const value = row.fields[f.id] ?? '';
    if (f.kind === 'choice') {
      return html`<label for="${name}">${fieldLabel(f, opts.language)}</label>
<select id="${name}" name="${name}"><option value=""></option>${(f.options ?? []).map(
        (o) =>
          html`<option value="${o.value}"${o.value === value ? html` selected` : ''}>${(opts.language === 'en' ? o.label.en : undefined) ?? o.label.id}</option>`,
      )}</select>`;
    }
    return html`<label for="${name}">${fieldLabel(f, opts.language)}</label>
<input id="${name}" name="${name}" type="${f.kind === 'date' ? 'date' : 'text'}" maxlength="${String(f.max ?? 200)}" value="${value}">`;
  };
  return html`<section class="case-fields"><h2>${tr('admin.case_fields.title')}</h2>
${opts.saved ? html`<p class="ok" role="status">${tr('admin.case_fields.saved')}</p>` : ''}
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<dl class="facts">
${opts.initiator ? html`<dt>${tr('admin.case_fields.initiator')}</dt><dd>${opts.initiator}</dd>` : ''}
${values}
</dl>
${
  editable
    ? html`<form method="post" action="/admin/cases/${encodeURIComponent(row.ticket)}/fields" class="stack no-print">
${csrfField(opts.user)}
${declared.map(input)}
<button type="submit">${tr('admin.case_fields.save')}</button>
</form>`
    : ''
}
</section>`;
}

/** POST /admin/cases/:ticket/fields: an admin records the case's fields; each value checked as the SOP declares it. */
export const caseFieldsSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.post<{ Params: { ticket: string } }>('/admin/cases/:ticket/fields', async (req, reply) => {
    const user = userOf(req);
    const ticket = req.params.ticket.toUpperCase();
    const back = (query: string) => reply.redirect(`/admin/cases/${encodeURIComponent(ticket)}?${query}`, 303);
    if (!isAdmin(user))
      return reply.code(403).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.readonly'));
    const [row] = await app.database.db
      .select({ id: cases.id, sopId: cases.sopId, sopVersion: cases.sopVersion, fields: cases.fields })
      .from(cases)
      .where(eq(cases.ticket, ticket));
    if (!row) return reply.code(404).type('text/plain; charset=utf-8').send(t(req.language, 'admin.error.not_found'));
    const sop = await app.sops.get(row.sopId, row.sopVersion);
    const next: Record<string, string> = { ...row.fields };
    for (const f of sop?.fields ?? []) {
      const raw = field(req.body, `field-${f.id}`);
      // An intake answer stays: the person who opened the case gave it, and it cannot be emptied here.
      if (!raw) {
        if (f.ask === 'officials') delete next[f.id];
        continue;
      }
      const checked = checkField(f, raw);
      if ('refusal' in checked) return back(`fieldError=${encodeURIComponent(f.id)}`);
      next[f.id] = checked.value;
    }
    const categoryField = sop?.fields?.find((f) => f.tracking === 'kategori');
    await app.database.db
      .update(cases)
      .set({ fields: next, ...(categoryField ? { category: next[categoryField.id] ?? null } : {}) })
      .where(eq(cases.id, row.id));
    await audit(app, req, 'case.fields', ticket, { caseId: row.id, fields: next });
    return back('done=fields');
  });
};
