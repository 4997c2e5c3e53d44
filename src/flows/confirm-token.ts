import type { Signer } from '../signing.js';
import { compactInstance, expandInstance } from './action-token.js';

/*
 * The value of a "Sudah selesai" / "Belum" button: the answer and the case, signed together. It has
 * to fit Telegram's 64-byte callback data (a longer value turns the buttons into a numbered list the
 * reporter cannot answer), so the case id travels compacted as in action tokens.
 */

const TAG_LENGTH = 10;
const ANSWER_CODE = { sudah: 'ks', belum: 'kb' } as const;

export type ConfirmAnswer = keyof typeof ANSWER_CODE;

export function confirmToken(signer: Signer, caseId: string, answer: ConfirmAnswer): string {
  const body = `${ANSWER_CODE[answer]}.${compactInstance(`${caseId}_0`)}`;
  return `${body}.${signer.sign(body, TAG_LENGTH)}`;
}

export const isConfirmToken = (value: string) => /^k[sb]\./.test(value);

/** The answer and case of a button the service made; null for anything else. */
export function readConfirmToken(signer: Signer, value: string): { caseId: string; answer: ConfirmAnswer } | null {
  const match = /^(k[sb])\.([A-Za-z0-9_-]{22}_0)\.([A-Za-z0-9_-]{10})$/.exec(value);
  if (!match) return null;
  const [, code = '', compact = '', tag = ''] = match;
  if (!signer.verify(`${code}.${compact}`, tag, TAG_LENGTH)) return null;
  const instance = expandInstance(compact);
  if (!instance) return null;
  return { answer: code === 'ks' ? 'sudah' : 'belum', caseId: instance.slice(0, instance.lastIndexOf('_')) };
}
