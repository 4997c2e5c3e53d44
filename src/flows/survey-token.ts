import type { Signer } from '../signing.js';
import { compactInstance, expandInstance } from './action-token.js';

/*
 * The value of an "Isi survei" / "Lewati" button: the choice and the case, signed together, short
 * enough for Telegram's 64-byte callback data (the case id compacted as in action tokens).
 */

const TAG_LENGTH = 10;
const KIND_CODE = { isi: 'si', lewati: 'sl' } as const;

export type SurveyAnswerKind = keyof typeof KIND_CODE;

export function surveyToken(signer: Signer, caseId: string, kind: SurveyAnswerKind): string {
  const body = `${KIND_CODE[kind]}.${compactInstance(`${caseId}_0`)}`;
  return `${body}.${signer.sign(body, TAG_LENGTH)}`;
}

export const isSurveyToken = (value: string) => /^s[il]\./.test(value);

/** The choice and case of a button the service made; null for anything else. */
export function readSurveyToken(signer: Signer, value: string): { caseId: string; kind: SurveyAnswerKind } | null {
  const match = /^(s[il])\.([A-Za-z0-9_-]{22}_0)\.([A-Za-z0-9_-]{10})$/.exec(value);
  if (!match) return null;
  const [, code = '', compact = '', tag = ''] = match;
  if (!signer.verify(`${code}.${compact}`, tag, TAG_LENGTH)) return null;
  const instance = expandInstance(compact);
  if (!instance) return null;
  return { kind: code === 'si' ? 'isi' : 'lewati', caseId: instance.slice(0, instance.lastIndexOf('_')) };
}
