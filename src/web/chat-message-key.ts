/**
 * The idempotency key of a web chat message: the chat's address with the page's own message id.
 * The id comes from the browser, so on its own it proves nothing: keyed by channel alone, an id
 * one chat used (or copied from another chat's page) would make another chat's message look
 * already seen, and it would be silently dropped. A page sending its message again (a lost
 * answer, a retry) reuses the id in the same chat, and that one is processed once.
 */
export const chatMessageKey = (address: string, clientId: string) => `web:${address}:${clientId}`;

/** The page's message id inside a stored key; a key from before keys carried the chat is the id itself. */
export function clientIdOf(address: string, key: string): string {
  const prefix = `web:${address}:`;
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}
