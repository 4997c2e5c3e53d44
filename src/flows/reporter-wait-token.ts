import type { Signer } from '../signing.js';
import { compactInstance, expandInstance } from './action-token.js';

/*
 * Button values of a wait on the reporter, signed so a forged value is refused: the official's
 * "ask the reporter" on a step visit, and the reporter's "send my answer" on a case. Both fit
 * Telegram's 64-byte callback data: ids travel compacted as in action tokens.
 */

const TAG_LENGTH = 10;

/** "Minta kelengkapan ke pelapor" on the step visit `instanceId`. */
export function askReporterToken(signer: Signer, instanceId: string): string {
  const body = `m.${compactInstance(instanceId)}`;
  return `${body}.${signer.sign(body, TAG_LENGTH)}`;
}

/** "Kirim jawaban" on a case waiting on its reporter; the case id rides as a step visit 0. */
export function answerReporterToken(signer: Signer, caseId: string): string {
  const body = `j.${compactInstance(`${caseId}_0`)}`;
  return `${body}.${signer.sign(body, TAG_LENGTH)}`;
}

export const isReporterWaitToken = (value: string) => /^[mj]\./.test(value);

export type ReporterWaitRef = { kind: 'ask'; instanceId: string } | { kind: 'answer'; caseId: string };

/** What a button the service made stands for; null for anything else or a forged one. */
export function readReporterWaitToken(signer: Signer, value: string): ReporterWaitRef | null {
  const match = /^([mj])\.([A-Za-z0-9_-]{22}_\d+)\.([A-Za-z0-9_-]{10})$/.exec(value);
  if (!match) return null;
  const [, kind = '', compact = '', tag = ''] = match;
  if (!signer.verify(`${kind}.${compact}`, tag, TAG_LENGTH)) return null;
  const instanceId = expandInstance(compact);
  if (!instanceId) return null;
  if (kind === 'm') return { kind: 'ask', instanceId };
  return { kind: 'answer', caseId: instanceId.slice(0, instanceId.lastIndexOf('_')) };
}
