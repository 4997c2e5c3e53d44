import type { Redis } from 'ioredis';

/**
 * An admin's request, from the console, to connect WhatsApp again after a final close: `fresh`
 * forgets the old pairing (a new QR code, or a pairing code for `phone`); otherwise the same
 * pairing reconnects (after another client took the session, 440). The console may run in another
 * process than the socket, so the request waits in Redis until the socket's holder takes it.
 */
export interface PairRequest {
  readonly fresh: boolean;
  /** Digits with the country code: pair by code for this number rather than by QR. */
  readonly phone?: string;
}

const key = (prefix: string) => `${prefix}:whatsapp:pair-request`;
// A request nobody takes (WhatsApp switched off) is not acted on days later.
const TTL_S = 600;

export async function askToPair(redis: Redis, prefix: string, request: PairRequest): Promise<void> {
  await redis.set(key(prefix), JSON.stringify(request), 'EX', TTL_S);
}

/** Takes the waiting request, if any: only one process acts on it. */
export async function takePairRequest(redis: Redis, prefix: string): Promise<PairRequest | null> {
  const text = await redis.getdel(key(prefix));
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as { fresh?: unknown; phone?: unknown };
    return {
      fresh: parsed.fresh === true,
      ...(typeof parsed.phone === 'string' && /^[1-9]\d{7,14}$/.test(parsed.phone) ? { phone: parsed.phone } : {}),
    };
  } catch {
    return null;
  }
}
