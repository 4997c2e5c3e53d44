import type { Redis } from 'ioredis';

export interface OfferedChoice {
  readonly value: string;
  readonly label: string;
}

// A numbered menu stays on the person's screen; a week covers a reply after the weekend.
const TTL_SECONDS = 7 * 24 * 3600;

/**
 * The numbered menus sent to each chat, so a reply of "2" (or a label typed out) picks from the menu
 * the person sees. That is the last message the chat received when it had a menu, or the message
 * the person quoted. The flows keep the menus they offered themselves, but an official's task
 * arrives from the case engine, outside the conversation: without this, "1" under a task would
 * pick from whatever menu the conversation offered last.
 */
export class OfferedChoices {
  constructor(
    private readonly redis: Redis,
    /** App.prefix. */
    private readonly prefix: string,
  ) {}

  /** Records what a sent message offered; a message without a menu means "nothing to pick" for the chat. */
  async remember(address: string, messageId: string, choices: readonly OfferedChoice[]): Promise<void> {
    if (choices.length === 0) {
      await this.redis.del(this.#chatKey(address));
      return;
    }
    const json = JSON.stringify(choices.map((c) => ({ value: c.value, label: c.label })));
    await this.redis
      .multi()
      .set(this.#chatKey(address), json, 'EX', TTL_SECONDS)
      .set(this.#messageKey(messageId), json, 'EX', TTL_SECONDS)
      .exec();
  }

  /**
   * The choice a reply picks: from the quoted message's menu if it quotes one, else from the last
   * menu sent to `address`. In a group, where menus for several people follow each other, pass
   * null: only a quoted menu is certain there, and the flows know each person's own.
   */
  async pick(address: string | null, text: string | null, quotedId: string | null): Promise<string | null> {
    if (!text) return null;
    const json =
      (quotedId ? await this.redis.get(this.#messageKey(quotedId)) : null) ??
      (address ? await this.redis.get(this.#chatKey(address)) : null);
    if (!json) return null;
    return pickChoice(JSON.parse(json) as OfferedChoice[], text);
  }

  #chatKey(address: string) {
    return `${this.prefix}:whatsapp:menu:${address}`;
  }

  #messageKey(messageId: string) {
    return `${this.prefix}:whatsapp:menu-of:${messageId}`;
  }
}

/** "2", "2." or "2)" picks the second item; a label typed out in full picks that item. */
export function pickChoice(choices: readonly OfferedChoice[], text: string): string | null {
  const trimmed = text.trim();
  const number = /^(\d{1,2})\s*[.)]?$/.exec(trimmed)?.[1];
  if (number) return choices[Number(number) - 1]?.value ?? null;
  const lower = trimmed.toLowerCase();
  return choices.find((c) => c.label.trim().toLowerCase() === lower)?.value ?? null;
}
