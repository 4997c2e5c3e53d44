import type { Signer } from '../../signing.js';

/** How a chat is named in the logs. */
export type ChatRef = (address: string) => string;

/**
 * Addresses are phone numbers, which the logs must not hold. A keyed hash still lets one follow a
 * chat through the logs, and unlike a plain hash cannot be reversed by hashing every number.
 */
export function chatRefs(signer: Signer): ChatRef {
  return (address) => signer.sign(`whatsapp-log:${address}`, 10);
}
