import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorText } from '../../src/bots/whatsapp/error-text.js';
import type { Database } from '../../src/db/client.js';
import { whatsappAuth } from '../../src/db/schema.js';
import { freshDatabase } from '../support/postgres.js';

let database: Database;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database?.close();
});

describe('an error on its way to the log', () => {
  it('keeps a failed query’s reason but not its parameters', async () => {
    const secret = 'Pesan rahasia dari 6281234567890';
    const failure = await database.db
      .insert(whatsappAuth)
      .values({ session: secret, key: randomBytes(6000).toString('base64'), value: secret })
      .catch((err: unknown) => err);
    expect((failure as Error).message).toContain(secret);
    expect(errorText(failure)).toContain('index row size');
    expect(errorText(failure)).not.toContain(secret);
  });

  it('keeps any other message as it is', () => {
    expect(errorText(new Error('Connection Closed'))).toBe('Connection Closed');
    expect(errorText('plain')).toBe('plain');
  });
});
