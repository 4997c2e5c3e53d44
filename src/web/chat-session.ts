import { randomBytes } from 'node:crypto';
import type { SerializeOptions } from '@fastify/cookie';
import type { Signer } from '../signing.js';

export const CHAT_COOKIE = 'siput_chat';

/**
 * A browser's chat: the cookie holds a random 128-bit id, which is the chat's address on channel
 * `web`, and a tag over it, so nobody can step into another person's conversation by guessing or
 * editing the cookie.
 */
export class ChatSessions {
  readonly cookieOptions: SerializeOptions;

  constructor(
    private readonly signer: Signer,
    /** True when the page is served over https (PUBLIC_URL): the cookie then never travels in clear. */
    secure: boolean,
  ) {
    this.cookieOptions = {
      path: '/chat',
      httpOnly: true,
      sameSite: 'lax',
      secure,
      // Long enough to come back for a ticket's outcome weeks later, in the same conversation.
      maxAge: 180 * 24 * 3600,
    };
  }

  /** The chat address in a cookie value; undefined when missing or not issued by this service. */
  read(value: string | undefined): string | undefined {
    const dot = value?.lastIndexOf('.') ?? -1;
    if (!value || dot <= 0) return undefined;
    const address = value.slice(0, dot);
    return this.signer.verify(payload(address), value.slice(dot + 1), TAG_LENGTH) ? address : undefined;
  }

  issue(): { address: string; value: string } {
    const address = randomBytes(16).toString('base64url');
    return { address, value: `${address}.${this.signer.sign(payload(address), TAG_LENGTH)}` };
  }
}

const TAG_LENGTH = 22;

// A prefix keeps these tags apart from other things the same secret signs (download links, buttons).
const payload = (address: string) => `chat:${address}`;
