import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { App } from '../../src/app.js';
import { intakeFieldsOf, intakeFilesOf } from '../../src/cases/intake.js';
import { cases, stepInstances } from '../../src/db/schema.js';
import type { SopDefinition } from '../../src/sop/definition.js';
import { stepOf } from '../../src/sop/engine.js';
import { type Chat, texts } from './chat-driver.js';
import type { WalkChoice } from './engine-harness.js';

const TICKET = /[A-Z]{2,6}-\d{4}-\d{6}/;

/** The ticket in a reply, or a failure naming what was received. */
export function ticketIn(text: string): string {
  const ticket = TICKET.exec(text)?.[0];
  if (!ticket) throw new Error(`no ticket in: ${text}`);
  return ticket;
}

/** Answers the opening form in a chat, from the subject on: text, the intake fields, then each file. */
export async function answerForm(
  chat: Chat,
  sop: SopDefinition,
  answers: { subject: string; body: string; fields?: Record<string, string> },
): Promise<void> {
  expect(chat.last().text).toContain('paling banyak 200 karakter');
  await chat.send(answers.subject);
  expect(chat.last().text).toContain('uraian');
  await chat.send(answers.body);
  for (const field of intakeFieldsOf(sop)) {
    const value = answers.fields?.[field.id] ?? 'Biro Hukum';
    if (field.kind === 'choice') {
      const label = field.options?.find((o) => o.value === value)?.label.id ?? value;
      await chat.press(label);
    } else {
      await chat.send(value);
    }
  }
  for (const [i, kelengkapan] of intakeFilesOf(sop).entries()) {
    expect(chat.last().text).toContain(`Kirim berkas "${kelengkapan}"`);
    await chat.sendFile(`kelengkapan-${i + 1}.pdf`);
  }
}

/** An official opens a case of `sop` with /baru in their chat; returns its ticket. */
export async function openInChat(chat: Chat, sop: SopDefinition, subject = `Usulan ${randomUUID().slice(0, 6)}`) {
  await chat.send('/baru');
  expect(chat.last().text).toContain('pilih SOP');
  await chat.press(sop.title);
  await answerForm(chat, sop, { subject, body: 'Mohon diproses sesuai SOP.' });
  const summary = chat.last().text;
  expect(summary).toContain(subject);
  for (const kelengkapan of intakeFilesOf(sop)) expect(summary).toContain(kelengkapan);
  return ticketIn(texts(await chat.press('Kirim')));
}

/** One step of a walk: the action, with a note for a return and a file per kelengkapan it requires. */
export async function walkCase(
  app: App,
  ticket: string,
  choices: readonly WalkChoice[],
): Promise<{ visited: string[]; outcome: string | null }> {
  const [row] = await app.database.db.select().from(cases).where(eq(cases.ticket, ticket));
  if (!row) throw new Error(`no case ${ticket}`);
  for (const choice of choices) {
    const { action, note } = typeof choice === 'string' ? { action: choice, note: undefined } : choice;
    const [kase] = await app.database.db.select().from(cases).where(eq(cases.id, row.id));
    const [open] = kase?.openInstanceId
      ? await app.database.db.select().from(stepInstances).where(eq(stepInstances.id, kase.openInstanceId))
      : [];
    if (!open) throw new Error(`${ticket} has no open step for ${action}`);
    // Every step of a shipped SOP has a holder in the unit: nobody waits unseen in these walks.
    expect(open.assigneeId, `${ticket} step ${open.stepId}`).toBeTruthy();
    const sop = await app.sops.get(row.sopId, row.sopVersion);
    const taken = sop ? stepOf(sop, open.stepId).actions.find((a) => a.id === action) : undefined;
    if (!taken) throw new Error(`${ticket} step ${open.stepId} has no action ${action}`);
    await app.cases.dispatch(row.id, {
      type: 'act',
      instanceId: open.id,
      action,
      actorId: open.assigneeId as string,
      ...(note || taken.kind === 'return' || taken.note === 'required' ? { note: note ?? 'Catatan uji' } : {}),
      attachments: taken.requires.map((kelengkapan) => ({
        id: randomUUID(),
        name: `${kelengkapan}.pdf`,
        kelengkapan,
      })),
    });
  }
  const visits = await app.database.db
    .select({ stepId: stepInstances.stepId })
    .from(stepInstances)
    .where(eq(stepInstances.caseId, row.id))
    .orderBy(asc(stepInstances.seq));
  const [closed] = await app.database.db.select().from(cases).where(eq(cases.id, row.id));
  expect(closed?.status).toBe('closed');
  return { visited: visits.map((v) => v.stepId), outcome: closed?.outcome ?? null };
}
