import { type BaileysEventMap, type BinaryNode, proto } from '@whiskeysockets/baileys';
import type { DeliveryState } from '../../db/index.js';

/** What WhatsApp said of one message this device sent. */
export interface Ack {
  /** The WhatsApp message id (key.id). */
  readonly id: string;
  readonly state: DeliveryState;
  /** The error ack's code (463…), for state 'error'. */
  readonly code?: string;
  /** The error ack's reason as Baileys words it, when it gives one. */
  readonly reason?: string;
}

const Status = proto.WebMessageInfo.Status;

/**
 * Error acks that say "do not send this again": 463 is the reach-out time lock (the number may not
 * start chats with this person now). Baileys itself refuses to retry it, since each retry counts as
 * another reach-out and deepens the restriction (Baileys #1983, #2707).
 */
const DO_NOT_RETRY = new Set(['463']);

export function isDoNotRetry(code: string | null | undefined): boolean {
  return code !== null && code !== undefined && DO_NOT_RETRY.has(code);
}

/**
 * Reads messages.update for our own messages: receipts (delivered, read, played) and Baileys'
 * report of an error ack (status ERROR, the code first in messageStubParameters).
 */
export function acksOfUpdate(updates: BaileysEventMap['messages.update']): Ack[] {
  const acks: Ack[] = [];
  for (const { key, update } of updates) {
    if (!key.fromMe || !key.id || update.status === undefined || update.status === null) continue;
    const state = stateOf(update.status);
    if (!state) continue;
    if (state !== 'error') {
      acks.push({ id: key.id, state });
      continue;
    }
    const [code, reason] = update.messageStubParameters ?? [];
    acks.push({ id: key.id, state, code: String(code ?? 'unknown'), ...(reason ? { reason: String(reason) } : {}) });
  }
  return acks;
}

/**
 * Reads the server's ack stanza (`<ack class="message" id=… />`), which Baileys only reports when it
 * carries an error: a clean one is WhatsApp's server taking the message, the moment it counts as sent.
 */
export function ackOfStanza(node: BinaryNode): Ack | null {
  const { id, error } = node.attrs;
  if (!id || node.attrs.class !== 'message') return null;
  return error ? { id, state: 'error', code: error } : { id, state: 'server' };
}

function stateOf(status: number): DeliveryState | null {
  switch (status) {
    case Status.ERROR:
      return 'error';
    case Status.SERVER_ACK:
      return 'server';
    case Status.DELIVERY_ACK:
      return 'delivered';
    case Status.READ:
    case Status.PLAYED:
      return 'read';
    default:
      return null;
  }
}

const RANK: Record<DeliveryState, number> = { server: 1, delivered: 2, read: 3, error: 4 };

/** Receipts may come out of order (read before delivered); a state never moves back. */
export function isAdvance(from: DeliveryState | null, to: DeliveryState): boolean {
  return from === null || RANK[to] > RANK[from];
}
