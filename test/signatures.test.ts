import { describe, expect, it } from 'vitest';
import { actionToken, readActionToken } from '../src/flows/action-token.js';
import { Signer } from '../src/signing.js';
import { ChatSessions } from '../src/web/chat-session.js';
import { DownloadLinks } from '../src/web/download-links.js';

const signer = new Signer('a-test-secret-of-enough-length');

describe('a signature', () => {
  it('is accepted whole and refused when cut short, even to 8 characters or more', () => {
    const tag = signer.sign('payload', 22);
    expect(signer.verify('payload', tag, 22)).toBe(true);
    for (const length of [21, 16, 12, 8]) expect(signer.verify('payload', tag.slice(0, length), 22)).toBe(false);
    expect(signer.verify('payload', '', 22)).toBe(false);
  });

  it('is refused when longer than issued', () => {
    expect(signer.verify('payload', signer.sign('payload', 22), 16)).toBe(false);
  });
});

describe('a download link', () => {
  const links = new DownloadLinks({ signer, baseUrl: 'http://localhost:3000' });
  const now = new Date('2026-05-01T00:00:00Z');

  it('works with its tag and not with the tag cut to 8 characters', () => {
    const url = new URL(links.url('doc-1', now));
    const expiry = url.searchParams.get('e') ?? '';
    const tag = url.searchParams.get('s') ?? '';
    expect(links.verify('doc-1', expiry, tag, now)).toBe('valid');
    expect(links.verify('doc-1', expiry, tag.slice(0, 8), now)).toBe('invalid');
    expect(links.verify('doc-1', expiry, tag.slice(0, 16), now)).toBe('invalid');
  });
});

describe('a chat cookie', () => {
  const sessions = new ChatSessions(signer, false);

  it('names its chat with its tag and nothing with the tag cut to 8 characters', () => {
    const { address, value } = sessions.issue();
    expect(sessions.read(value)).toBe(address);
    const dot = value.lastIndexOf('.');
    expect(sessions.read(value.slice(0, dot + 9))).toBeUndefined();
    expect(sessions.read(value.slice(0, dot + 17))).toBeUndefined();
  });
});

describe('an action button', () => {
  const instance = '0b6f3c1e-2a4d-4e8b-9c1f-5d7e8a9b0c1d_3';

  it('is read back with its instance and action', () => {
    expect(readActionToken(signer, actionToken(signer, instance, 2))).toEqual({ instanceId: instance, actionIndex: 2 });
  });

  it('is refused when its action index is changed and its signature kept', () => {
    const token = actionToken(signer, instance, 0);
    const [a, instancePart, index, tag] = token.split('.') as [string, string, string, string];
    expect(index).toBe('0');
    for (const other of ['1', '2', 'o']) {
      expect(readActionToken(signer, [a, instancePart, other, tag].join('.'))).toBeNull();
    }
    expect(readActionToken(signer, [a, instancePart, index, tag].join('.'))).not.toBeNull();
  });
});
