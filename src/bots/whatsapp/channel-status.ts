import { sql } from 'drizzle-orm';
import type { Db } from '../../db/index.js';
import { channelStates } from '../../db/index.js';
import type { Logger } from '../../log.js';
import { errorText } from './error-text.js';

/**
 * What the console shows for WhatsApp (channel_states.state):
 * - connecting: opening the socket;
 * - pairing: waiting to be linked; detail.qr is the QR code to render, or detail.pairingCode the
 *   code to enter under Linked devices > Link with phone number;
 * - connected: sending and receiving;
 * - reconnecting: the socket dropped; detail.attempt and detail.retryInMs say when it tries again;
 * - logged_out: WhatsApp ended the pairing or refused the number; lastError says what to do;
 * - replaced: another client took the session over;
 * - stopped: the service stopped.
 */
export type WhatsAppState =
  | 'connecting'
  | 'pairing'
  | 'connected'
  | 'reconnecting'
  | 'logged_out'
  | 'replaced'
  | 'stopped';

/** channel_states.detail, as JSON. */
export interface WhatsAppStateDetail {
  readonly qr?: string;
  readonly pairingCode?: string;
  readonly attempt?: number;
  readonly retryInMs?: number;
  /** The disconnect code behind logged_out, replaced or reconnecting. */
  readonly code?: number;
  /** Messages that could not be decrypted in the last window (see DecryptErrors). */
  readonly decryptErrors?: number;
  /** Messages to people silent for a day sent on coldDay (the service's date), against coldCap. */
  readonly coldToday?: number;
  readonly coldCap?: number;
  readonly coldDay?: string;
}

/**
 * Keeps the WhatsApp row of channel_states up to date. Only the process holding the socket writes
 * it. A failed write is logged and forgotten: the console being stale must not stop the socket.
 */
export class ChannelStatus {
  #state: WhatsAppState = 'connecting';
  #detail: WhatsAppStateDetail = {};
  // Writes go one after another, so the row ends in the latest state even when two overlap.
  #writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly channel: string,
  ) {}

  get state(): WhatsAppState {
    return this.#state;
  }

  /** Moves to a state; `lastError` undefined keeps the last error shown, null clears it. */
  async set(state: WhatsAppState, detail: WhatsAppStateDetail = {}, lastError?: string | null): Promise<void> {
    const { decryptErrors, coldToday, coldCap, coldDay } = this.#detail;
    this.#state = state;
    this.#detail = {
      ...(decryptErrors ? { decryptErrors } : {}),
      ...(coldDay ? { coldToday, coldCap, coldDay } : {}),
      ...detail,
    };
    await this.#write(lastError);
  }

  /** Changes the detail of the current state (a new decrypt error count) and, if given, the last error. */
  async note(detail: WhatsAppStateDetail, lastError?: string): Promise<void> {
    this.#detail = { ...this.#detail, ...detail };
    await this.#write(lastError);
  }

  #write(lastError: string | null | undefined): Promise<void> {
    const state = this.#state;
    const detail = Object.keys(this.#detail).length > 0 ? JSON.stringify(this.#detail) : null;
    this.#writing = this.#writing.then(() => this.#upsert(state, detail, lastError));
    return this.#writing;
  }

  async #upsert(state: WhatsAppState, detail: string | null, lastError: string | null | undefined): Promise<void> {
    try {
      await this.db
        .insert(channelStates)
        .values({ channel: this.channel, state, detail, lastError: lastError ?? null })
        .onConflictDoUpdate({
          target: channelStates.channel,
          set: {
            state,
            detail,
            updatedAt: sql`now()`,
            ...(lastError === undefined ? {} : { lastError }),
          },
        });
    } catch (err) {
      this.log.warn({ err: errorText(err), state }, 'whatsapp state not recorded');
    }
  }
}
