import { randomUUID } from 'node:crypto';
import type { Signer } from '../signing.js';

export type StatusForm = 'konfirmasi' | 'survei';

const TAG_LENGTH = 22;
const NONCE = /^[0-9a-f-]{36}$/;

/**
 * The hidden field of a status page form: a fresh key signed with the case and the form. A form
 * made on another site has no valid one (it would need the service's secret), and the key makes a
 * form sent twice (a double click, a reload) one answer.
 */
export function statusFormToken(signer: Signer, caseId: string, form: StatusForm): string {
  const nonce = randomUUID();
  return `${nonce}.${signer.sign(`status-form:${form}:${caseId}:${nonce}`, TAG_LENGTH)}`;
}

/** The form's key when the token is one the page made for this case and form; null otherwise. */
export function readStatusFormToken(signer: Signer, caseId: string, form: StatusForm, value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const [nonce, tag, ...rest] = value.split('.');
  if (rest.length > 0 || !nonce || !tag || !NONCE.test(nonce)) return null;
  return signer.verify(`status-form:${form}:${caseId}:${nonce}`, tag, TAG_LENGTH) ? nonce : null;
}
