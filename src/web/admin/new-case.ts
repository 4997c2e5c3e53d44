import fastifyMultipart from '@fastify/multipart';
import { asc, eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import {
  checkForm,
  type IntakeFile,
  IntakeRefusedError,
  intakeFieldsOf,
  intakeFilesOf,
  MAX_BODY,
  MAX_SUBJECT,
  mayOpen,
  type Opener,
  openCase,
  unitRuns,
  unitSopList,
} from '../../cases/index.js';
import { officials, units } from '../../db/index.js';
import { AttachmentStore, FileRejectedError } from '../../files/index.js';
import { html, type SafeHtml } from '../../html.js';
import type { SopDefinition } from '../../sop/index.js';
import type { ConsoleDeps } from './console-deps.js';
import { actorOf, isAdmin, sendPage, trOf, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import { csrfMatches, type SectionOptions } from './plugin.js';
import type { ConsoleUser } from './sessions.js';

export const NEW_CASE = '/admin/cases/new';

interface Draft {
  readonly unit: string;
  readonly subject: string;
  readonly body: string;
  readonly fields: Readonly<Record<string, string>>;
}

const EMPTY: Draft = { unit: '', subject: '', body: '', fields: {} };

/**
 * "Kasus baru": a form built from the SOP's kelengkapan (subject, text, its intake fields, one
 * file per named kelengkapan). Admins open any SOP with intake official, in any unit; an official
 * signed in from their chat opens the SOPs their role starts or initiates, in their own unit.
 * Multipart: the CSRF token is the form's first field, checked before any file is read.
 */
export const newCaseSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  const store = new AttachmentStore({ db: app.database.db, dataDir: app.config.DATA_DIR });
  await fastify.register(fastifyMultipart, {
    limits: { fileSize: store.maxBytes, files: 10, fields: 40, parts: 50, fieldSize: 8000 },
  });

  fastify.get(NEW_CASE, async (req, reply) => {
    const opener = await openerOf(app, req);
    if (!opener) return forbidden(req, reply);
    const sopId = (req.query as { sop?: string }).sop;
    if (!sopId) return chooser(app, req, reply, opener);
    const sop = await app.sops.active(sopId);
    const why = await refusalFor(app, sop, opener);
    if (!sop || why) return refused(app, req, reply, opener, sop?.title ?? sopId, why ?? 'not_initiator');
    return form(app, req, reply, sop, opener, EMPTY, null, 200);
  });

  fastify.post(NEW_CASE, { config: { csrfInForm: true } }, async (req, reply) => {
    const forged = () => reply.code(403).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.csrf'));
    const opener = await openerOf(app, req);
    if (!opener) return forbidden(req, reply);
    const sopId = (req.query as { sop?: string }).sop ?? '';
    const sop = await app.sops.active(sopId);
    const why = await refusalFor(app, sop, opener);
    if (!sop || why) return refused(app, req, reply, opener, sop?.title ?? sopId, why ?? 'not_initiator');
    const tr = trOf(req);
    const wanted = intakeFilesOf(sop);
    const texts: Record<string, string> = {};
    const uploads: Array<{ index: number; name: string; bytes: Buffer }> = [];
    try {
      for await (const part of req.parts()) {
        // The token is the form's first field: no file is read for a request without it.
        if (part.type === 'file' && !csrfMatches(userOf(req), texts._csrf)) return forged();
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          const index = /^file-(\d+)$/.exec(part.fieldname)?.[1];
          if (index !== undefined && part.filename && Number(index) < wanted.length) {
            uploads.push({ index: Number(index), name: part.filename, bytes });
          }
        } else if (typeof part.value === 'string') {
          texts[part.fieldname] = part.value;
        }
      }
    } catch (err) {
      if (err instanceof fastify.multipartErrors.RequestFileTooLargeError) {
        const max = `${store.maxBytes / 1024 / 1024} MB`;
        return form(app, req, reply, sop, opener, draftOf(texts), tr('files.file_too_large', { max }), 413);
      }
      throw err;
    }
    if (!csrfMatches(userOf(req), texts._csrf)) return forged();
    const draft = draftOf(texts);
    const unitId = await unitOf(app, opener, draft.unit);
    if (!unitId) return form(app, req, reply, sop, opener, draft, tr('admin.new_case.unit_unknown'), 400);
    // Every answer but the files is checked before a byte is stored: a refused form leaves nothing behind.
    const placeholders: IntakeFile[] = wanted.flatMap((kelengkapan, i) =>
      uploads.some((u) => u.index === i) ? [{ kelengkapan, id: '', name: '' }] : [],
    );
    try {
      checkForm(sop, { ...draft, files: placeholders });
    } catch (err) {
      if (err instanceof IntakeRefusedError) return form(app, req, reply, sop, opener, draft, refusal(req, err), 400);
      throw err;
    }
    const files: IntakeFile[] = [];
    const uploader = opener.kind === 'official' ? opener.id : opener.kind === 'admin' ? opener.actor : null;
    for (const upload of uploads) {
      try {
        const saved = await store.save({ bytes: upload.bytes, name: upload.name, uploadedBy: uploader });
        files.push({ kelengkapan: wanted[upload.index] as string, id: saved.id, name: saved.name });
      } catch (err) {
        if (!(err instanceof FileRejectedError)) throw err;
        const message = `${wanted[upload.index]}: ${tr(err.messageKey, err.params)}`;
        return form(app, req, reply, sop, opener, draft, message, err.statusCode);
      }
    }
    try {
      const result = await app.database.db.transaction((tx) =>
        openCase(
          tx,
          app.sops,
          app.cases,
          {
            sopId: sop.id,
            unitId,
            opener,
            form: { ...draft, files },
            channel: 'console',
            complaintSop: app.config.COMPLAINT_SOP,
          },
          new Date(),
        ),
      );
      if (result.saved) await app.cases.schedule(result.saved, result.caseId);
      return reply.redirect(`${NEW_CASE}?sop=${encodeURIComponent(sop.id)}&opened=${result.ticket}`, 303);
    } catch (err) {
      if (err instanceof IntakeRefusedError) return form(app, req, reply, sop, opener, draft, refusal(req, err), 400);
      throw err;
    }
  });
};

function draftOf(texts: Record<string, string>): Draft {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(texts)) {
    if (name.startsWith('field-')) fields[name.slice(6)] = value;
  }
  return { unit: texts.unit ?? '', subject: texts.subject ?? '', body: texts.body ?? '', fields };
}

function refusal(req: FastifyRequest, err: IntakeRefusedError): string {
  return trOf(req)(err.messageKey, err.params);
}

/** Who opens the case from this session: an admin account, or the signed-in official with their role. */
async function openerOf(app: ConsoleDeps, req: FastifyRequest): Promise<Opener | null> {
  const user = userOf(req);
  if (isAdmin(user)) return { kind: 'admin', actor: await actorOf(app, user) };
  if (user.kind !== 'official') return null;
  const [row] = await app.database.db
    .select({ roleId: officials.roleId, active: officials.active })
    .from(officials)
    .where(eq(officials.id, user.id));
  return row?.active ? { kind: 'official', id: user.id, roleId: row.roleId } : null;
}

/** The case's unit: the official's own; for an admin the one chosen, else the default unit. */
async function unitOf(app: ConsoleDeps, opener: Opener, chosen: string): Promise<string | null> {
  if (opener.kind === 'official') {
    const [row] = await app.database.db
      .select({ unitId: officials.unitId })
      .from(officials)
      .where(eq(officials.id, opener.id));
    return row?.unitId ?? null;
  }
  const id = chosen || app.config.DEFAULT_UNIT;
  const [row] = await app.database.db.select({ id: units.id }).from(units).where(eq(units.id, id));
  return row?.id ?? null;
}

function forbidden(req: FastifyRequest, reply: FastifyReply) {
  return reply.code(403).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.forbidden'));
}

/**
 * Why this person may not open `sop` here, or null: their role must open it, and an official's
 * unit must run it (an admin chooses a unit that runs it on the form).
 */
async function refusalFor(
  app: ConsoleDeps,
  sop: SopDefinition | undefined,
  opener: Opener,
): Promise<'not_initiator' | 'sop_not_offered' | null> {
  if (!sop || !mayOpen(sop, opener)) return 'not_initiator';
  if (opener.kind !== 'official') return null;
  const unitId = await unitOf(app, opener, '');
  const runs = unitId ? await unitSopList(app.database.db, unitId) : undefined;
  return runs !== undefined && unitRuns(runs, sop, app.config.COMPLAINT_SOP) ? null : 'sop_not_offered';
}

async function openable(app: ConsoleDeps, opener: Opener): Promise<SopDefinition[]> {
  const out: SopDefinition[] = [];
  for (const sop of await app.sops.all()) if (!(await refusalFor(app, sop, opener))) out.push(sop);
  return out;
}

async function chooser(app: ConsoleDeps, req: FastifyRequest, reply: FastifyReply, opener: Opener, error?: string) {
  const tr = trOf(req);
  const sops = await openable(app, opener);
  const body = html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<p>${tr('admin.new_case.intro')}</p>
${
  sops.length === 0
    ? html`<p>${tr('admin.new_case.none')}</p>`
    : html`<ul class="sop-list">${sops.map(
        (s) =>
          html`<li><a href="${NEW_CASE}?sop=${encodeURIComponent(s.id)}">${s.title}</a> <span class="muted">${s.nomor ?? s.id}</span></li>`,
      )}</ul>`
}`;
  return sendPage(req, reply, { title: tr('admin.nav.new_case'), path: NEW_CASE, body, status: error ? 403 : 200 });
}

function refused(
  app: ConsoleDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  opener: Opener,
  sop: string,
  why: 'not_initiator' | 'sop_not_offered',
) {
  return chooser(app, req, reply, opener, trOf(req)(`intake.refused.${why}`, { sop: sop.slice(0, 60) }));
}

async function form(
  app: ConsoleDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  sop: SopDefinition,
  opener: Opener,
  draft: Draft,
  error: string | null,
  status: number,
) {
  const tr = trOf(req);
  const user = userOf(req) as ConsoleUser;
  const en = req.language === 'en';
  const words = (text: { id: string; en?: string | undefined }) => (en ? text.en : undefined) ?? text.id;
  const opened = (req.query as { opened?: string }).opened;
  const unitChoice: SafeHtml | string =
    opener.kind === 'admin'
      ? await unitSelect(app, sop, tr('admin.new_case.unit'), draft.unit || app.config.DEFAULT_UNIT)
      : '';
  const fields = intakeFieldsOf(sop).map((f) => {
    const name = `field-${f.id}`;
    const value = draft.fields[f.id] ?? '';
    if (f.kind === 'choice') {
      return html`<label for="${name}">${words(f.label)}</label>
<select id="${name}" name="${name}" required><option value=""></option>${(f.options ?? []).map(
        (o) => html`<option value="${o.value}"${o.value === value ? html` selected` : ''}>${words(o.label)}</option>`,
      )}</select>`;
    }
    return html`<label for="${name}">${words(f.label)}</label>
<input id="${name}" name="${name}" type="${f.kind === 'date' ? 'date' : 'text'}" maxlength="${String(f.max ?? 200)}" value="${value}" required>`;
  });
  const files = intakeFilesOf(sop).map(
    (kelengkapan, i) => html`<label for="file-${String(i)}">${tr('admin.new_case.file', { kelengkapan })}</label>
<input id="file-${String(i)}" name="file-${String(i)}" type="file" accept=".pdf,.docx,.xlsx,.jpg,.jpeg,.png,.webp" required>`,
  );
  const subjectLabel = words(sop.subjectLabel ?? { id: 'Perihal', en: 'Subject' });
  const body = html`${opened ? html`<p class="notice" role="status">${tr('admin.new_case.opened', { ticket: opened })} <a href="/admin/cases/${encodeURIComponent(opened)}">${opened}</a></p>` : ''}
${error ? html`<p class="error" role="alert" id="form-error">${error}</p>` : ''}
<p><strong>${sop.title}</strong>${sop.nomor ? html` · ${sop.nomor}` : ''}</p>
<p class="muted">${tr('admin.new_case.form_intro')}</p>
<form method="post" action="${NEW_CASE}?sop=${encodeURIComponent(sop.id)}" enctype="multipart/form-data" class="stacked"${error ? html` aria-describedby="form-error"` : ''}>
${csrfField(user)}
${unitChoice}
<label for="subject">${subjectLabel}</label>
<input id="subject" name="subject" maxlength="${String(MAX_SUBJECT)}" value="${draft.subject}" required>
<label for="body">${tr('admin.new_case.body')}</label>
<textarea id="body" name="body" rows="6" maxlength="${String(MAX_BODY)}" required>${draft.body}</textarea>
${fields}
${files}
<button type="submit">${tr('admin.new_case.submit')}</button>
</form>
<p><a href="${NEW_CASE}">${tr('admin.new_case.other')}</a></p>`;
  return sendPage(req, reply, { title: tr('admin.nav.new_case'), path: NEW_CASE, body, status });
}

/** The units that run the SOP, for an admin to open the case in. */
async function unitSelect(app: ConsoleDeps, sop: SopDefinition, label: string, selected: string): Promise<SafeHtml> {
  const rows = (
    await app.database.db
      .select({ id: units.id, name: units.name, offered: units.offeredSops })
      .from(units)
      .orderBy(asc(units.name))
  ).filter((u) => unitRuns(u.offered ?? null, sop, app.config.COMPLAINT_SOP));
  return html`<label for="unit">${label}</label>
<select id="unit" name="unit">${rows.map(
    (u) => html`<option value="${u.id}"${u.id === selected ? html` selected` : ''}>${u.name}</option>`,
  )}</select>`;
}
