import { DisconnectReason } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { afterDisconnect, reconnectDelay } from '../../src/bots/whatsapp/disconnect.js';

describe('what follows a disconnect', () => {
  it.each([
    [DisconnectReason.restartRequired, 'reconnect_now'],
    [DisconnectReason.connectionClosed, 'reconnect_later'],
    [DisconnectReason.connectionLost, 'reconnect_later'],
    [DisconnectReason.badSession, 'reconnect_later'],
    [DisconnectReason.unavailableService, 'reconnect_later'],
    [undefined, 'reconnect_later'],
    [DisconnectReason.loggedOut, 'stop'],
    [DisconnectReason.connectionReplaced, 'stop'],
    [DisconnectReason.forbidden, 'stop'],
    [405, 'stop'],
    [409, 'stop'],
    [412, 'stop'],
  ])('after %s is %s', (code, action) => {
    expect(afterDisconnect(code).action).toBe(action);
  });

  it('forgets the pairing only when logged out', () => {
    expect(afterDisconnect(DisconnectReason.loggedOut)).toMatchObject({ state: 'logged_out', clearAuth: true });
    expect(afterDisconnect(DisconnectReason.connectionReplaced)).toMatchObject({ state: 'replaced', clearAuth: false });
    expect(afterDisconnect(405)).toMatchObject({ state: 'logged_out', clearAuth: false });
  });
});

describe('the wait before reconnecting', () => {
  it('doubles from the base up to the ceiling, jittered down to half', () => {
    expect(reconnectDelay(0, 1000, 60_000, () => 1)).toBe(1000);
    expect(reconnectDelay(0, 1000, 60_000, () => 0)).toBe(500);
    expect(reconnectDelay(3, 1000, 60_000, () => 1)).toBe(8000);
    expect(reconnectDelay(10, 1000, 60_000, () => 1)).toBe(60_000);
    expect(reconnectDelay(1000, 1000, 60_000, () => 0)).toBe(30_000);
  });
});
