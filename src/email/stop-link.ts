import type { Signer } from '../signing.js';

// A prefix keeps these tags apart from everything else the same secret signs.
const payload = (stakeholderId: string) => `email-stop:${stakeholderId}`;
const TAG_LENGTH = 22;

/**
 * The link in every email that stops further emails to its reader: `/email/berhenti/<id>?s=<tag>`.
 * It never expires (an old email must still work) and names only the stakeholder's random id.
 */
export function emailStopUrl(base: string | undefined, signer: Signer, stakeholderId: string): string {
  const root = (base ?? '').replace(/\/+$/, '');
  return `${root}/email/berhenti/${encodeURIComponent(stakeholderId)}?s=${signer.sign(payload(stakeholderId), TAG_LENGTH)}`;
}

export function verifyEmailStop(signer: Signer, stakeholderId: string, tag: string | undefined): boolean {
  return typeof tag === 'string' && signer.verify(payload(stakeholderId), tag, TAG_LENGTH);
}
