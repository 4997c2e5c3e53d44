import fastifyMultipart from '@fastify/multipart';
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type Letterhead, units } from '../../db/index.js';
import { FileRejectedError, LOGO_MAX_BYTES, removeUnitLogo, setUnitLogo } from '../../files/index.js';
import { html } from '../../html.js';
import { unitLogoUrl } from '../unit-logos.js';
import type { ConsoleDeps } from './console-deps.js';
import { audit, requireAdmin, sendPage, trOf, userOf } from './console-request.js';
import { csrfField } from './layout.js';
import { csrfMatches, type SectionOptions } from './plugin.js';

const UNIT_ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const pathOf = (unitId: string) => `/admin/people/units/${unitId}/letterhead`;

const TEXT_FIELDS = ['parent', 'address', 'contact', 'place', 'signerName', 'signerNip', 'signerPosition'] as const;
const LABELS: Record<(typeof TEXT_FIELDS)[number], string> = {
  parent: 'admin.letterhead.parent',
  address: 'admin.letterhead.address',
  contact: 'admin.letterhead.contact',
  place: 'admin.letterhead.place',
  signerName: 'admin.letterhead.signer_name',
  signerNip: 'admin.letterhead.signer_nip',
  signerPosition: 'admin.letterhead.signer_position',
};

export const EMPTY_LETTERHEAD: Letterhead = {
  parent: '',
  address: '',
  contact: '',
  place: '',
  signerName: '',
  signerNip: '',
  signerPosition: '',
};

type UnitRow = Pick<typeof units.$inferSelect, 'id' | 'name' | 'logo' | 'letterhead'>;

/**
 * A unit's kop surat (logo, parent body, address, contact) and the official who signs its reports
 * (place, name, NIP, jabatan). The logo is an upload (multipart: the CSRF token is the form's
 * first field), stored like every other file under DATA_DIR with a fresh id.
 */
export const unitLetterheadSection: FastifyPluginAsync<SectionOptions> = async (fastify, { app }) => {
  fastify.addHook('onRequest', requireAdmin);
  await fastify.register(fastifyMultipart, {
    limits: { fileSize: LOGO_MAX_BYTES, files: 1, fields: 12, parts: 13, fieldSize: 2000 },
  });

  fastify.get<{ Params: { id: string } }>('/admin/people/units/:id/letterhead', async (req, reply) => {
    const unit = await findUnit(app, req.params.id);
    if (!unit) return notFound(req, reply);
    return form(req, reply, unit, unit.letterhead ?? EMPTY_LETTERHEAD, null, 200);
  });

  fastify.post<{ Params: { id: string } }>(
    '/admin/people/units/:id/letterhead',
    { config: { csrfInForm: true } },
    async (req, reply) => {
      const unit = await findUnit(app, req.params.id);
      if (!unit) return notFound(req, reply);
      const tr = trOf(req);
      const fields: Record<string, string> = {};
      let logo: { name: string; bytes: Buffer } | undefined;
      const forged = () => reply.code(403).type('text/plain; charset=utf-8').send(tr('admin.error.csrf'));
      try {
        for await (const part of req.parts()) {
          // The token is the form's first field: no file is read for a request without it.
          if (part.type === 'file' && !csrfMatches(userOf(req), fields._csrf)) return forged();
          if (part.type === 'file') {
            const bytes = await part.toBuffer();
            if (part.fieldname === 'logo' && part.filename && bytes.length > 0) logo = { name: part.filename, bytes };
          } else if (typeof part.value === 'string') {
            fields[part.fieldname] = part.value.trim();
          }
        }
      } catch (err) {
        if (err instanceof fastify.multipartErrors.RequestFileTooLargeError) {
          const draft = draftOf(fields);
          return form(req, reply, unit, draft, tr('files.file_too_large', { max: '2 MB' }), 413);
        }
        throw err;
      }
      if (!csrfMatches(userOf(req), fields._csrf)) return forged();
      const draft = draftOf(fields);
      const wrong = problemOf(draft, tr);
      if (wrong) return form(req, reply, unit, draft, wrong, 400);
      if (logo) {
        try {
          await setUnitLogo(app.database.db, app.config.DATA_DIR, unit.id, logo);
        } catch (err) {
          if (err instanceof FileRejectedError)
            return form(req, reply, unit, draft, tr(err.messageKey, err.params), err.statusCode);
          throw err;
        }
      }
      await app.database.db.update(units).set({ letterhead: draft }).where(eq(units.id, unit.id));
      await audit(app, req, 'unit.letterhead', unit.id, { before: unit.letterhead, after: draft, logo: !!logo });
      return reply.redirect(`${pathOf(unit.id)}?done=saved`, 303);
    },
  );

  fastify.post<{ Params: { id: string } }>('/admin/people/units/:id/letterhead/logo/remove', async (req, reply) => {
    const unit = await findUnit(app, req.params.id);
    if (!unit) return notFound(req, reply);
    await removeUnitLogo(app.database.db, app.config.DATA_DIR, unit.id);
    await audit(app, req, 'unit.logo.remove', unit.id);
    return reply.redirect(`${pathOf(unit.id)}?done=logo_removed`, 303);
  });
};

function draftOf(fields: Readonly<Record<string, string>>): Letterhead {
  const value = (name: string) => fields[name] ?? '';
  return {
    parent: value('parent'),
    address: value('address'),
    contact: value('contact'),
    place: value('place'),
    signerName: value('signerName'),
    // People write a NIP with spaces in its groups (19750101 200003 1 001).
    signerNip: value('signerNip').replace(/\s+/g, ''),
    signerPosition: value('signerPosition'),
  };
}

function problemOf(draft: Letterhead, tr: ReturnType<typeof trOf>): string | null {
  for (const name of TEXT_FIELDS) {
    if (draft[name].length > 300) return tr('admin.letterhead.too_long', { field: tr(LABELS[name]) });
  }
  if (draft.signerNip && !/^\d{18}$/.test(draft.signerNip)) return tr('admin.letterhead.nip_invalid');
  return null;
}

async function findUnit(app: ConsoleDeps, id: string): Promise<UnitRow | undefined> {
  if (!UNIT_ID.test(id)) return undefined;
  const [row] = await app.database.db
    .select({ id: units.id, name: units.name, logo: units.logo, letterhead: units.letterhead })
    .from(units)
    .where(eq(units.id, id));
  return row;
}

function form(
  req: FastifyRequest,
  reply: FastifyReply,
  unit: UnitRow,
  draft: Letterhead,
  error: string | null,
  status: number,
): FastifyReply {
  const tr = trOf(req);
  const user = userOf(req);
  const done = (req.query as Record<string, unknown> | undefined)?.done;
  const input = (name: (typeof TEXT_FIELDS)[number], extra = html``) =>
    html`<label for="${name}">${tr(LABELS[name])}</label>
  <input id="${name}" name="${name}" maxlength="300" value="${draft[name]}"${extra}>`;
  const body = html`${error ? html`<p class="error" role="alert">${error}</p>` : ''}
${done === 'saved' || done === 'logo_removed' ? html`<p class="notice" role="status">${tr(`admin.letterhead.${done}`)}</p>` : ''}
<p class="muted">${tr('admin.letterhead.hint')}</p>
<h2>${tr('admin.letterhead.logo_now')}</h2>
${
  unit.logo
    ? html`<p><img class="unit-logo" src="${unitLogoUrl(unit.id, unit.logo)}" alt="Logo ${unit.name}" height="80"></p>
<form method="post" action="${pathOf(unit.id)}/logo/remove">${csrfField(user)}<button type="submit" class="secondary">${tr('admin.letterhead.logo_remove')}</button></form>`
    : html`<p>${tr('admin.letterhead.logo_none')}</p>`
}
<form method="post" action="${pathOf(unit.id)}" enctype="multipart/form-data" class="stacked">
  ${csrfField(user)}
  <label for="logo">${tr('admin.letterhead.logo')}</label>
  <input id="logo" name="logo" type="file" accept="image/png,image/jpeg">
  ${input('parent', html` aria-describedby="parent-hint"`)}
  <span id="parent-hint" class="muted">${tr('admin.letterhead.parent_hint')}</span>
  ${input('address')}
  ${input('contact')}
  <fieldset>
    <legend>${tr('admin.letterhead.signer')}</legend>
    ${input('place')}
    ${input('signerName')}
    ${input('signerNip', html` inputmode="numeric"`)}
    ${input('signerPosition')}
  </fieldset>
  <button type="submit">${tr('admin.letterhead.save')}</button>
</form>
<p><a href="/admin/people/units/${unit.id}">${tr('admin.letterhead.back')}</a></p>`;
  return sendPage(req, reply, {
    title: tr('admin.letterhead.title', { name: unit.name }),
    path: '/admin/people',
    body,
    status,
  });
}

function notFound(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).type('text/plain; charset=utf-8').send(trOf(req)('admin.error.not_found'));
}
