import type { Signer } from '../signing.js';

/*
 * Button values for an official's step: which visit of which case, which action, and a signature
 * so a forged or altered value is refused. Telegram caps callback data at 64 bytes, so the case's
 * UUID travels as 22 base64url characters and the action as its index in the step.
 */

const TAG_LENGTH = 10;

export interface ActionRef {
  readonly instanceId: string;
  /** Index of the action in the step's actions; absent for "open this task". */
  readonly actionIndex: number | null;
}

export function actionToken(signer: Signer, instanceId: string, actionIndex: number | null): string {
  const body = `${compactInstance(instanceId)}.${actionIndex ?? 'o'}`;
  return `a.${body}.${signer.sign(body, TAG_LENGTH)}`;
}

export function readActionToken(signer: Signer, token: string): ActionRef | null {
  const match = /^a\.([A-Za-z0-9_-]{22}_\d+)\.(\d+|o)\.([A-Za-z0-9_-]{10})$/.exec(token);
  if (!match) return null;
  const [, instance = '', index = '', tag = ''] = match;
  if (!signer.verify(`${instance}.${index}`, tag, TAG_LENGTH)) return null;
  const instanceId = expandInstance(instance);
  if (!instanceId) return null;
  return { instanceId, actionIndex: index === 'o' ? null : Number(index) };
}

export function isActionToken(value: string): boolean {
  return value.startsWith('a.');
}

export function compactInstance(instanceId: string): string {
  const cut = instanceId.lastIndexOf('_');
  const uuid = instanceId.slice(0, cut).replaceAll('-', '');
  return `${Buffer.from(uuid, 'hex').toString('base64url')}_${instanceId.slice(cut + 1)}`;
}

export function expandInstance(compact: string): string | null {
  const cut = compact.lastIndexOf('_');
  const hex = Buffer.from(compact.slice(0, cut), 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return `${uuid}_${compact.slice(cut + 1)}`;
}
