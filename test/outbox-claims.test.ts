import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { insertChatMessage } from '../src/db/outbox.js';
import { pausedLines } from '../src/db/schema.js';
import { BatchedClaims, type Claim, type ClaimResult } from '../src/jobs/outbox-claims.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;

beforeAll(async () => {
  database = await freshDatabase();
});

afterAll(async () => {
  await database.close();
});

async function written(address: string, count: number): Promise<string[]> {
  return database.db.transaction(async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const { id } = await insertChatMessage(tx, 'claims', address, {
        caseId: null,
        instanceId: null,
        template: 'flow.text',
        params: { text: `pesan ${i}` },
      });
      ids.push(id);
    }
    return ids;
  });
}

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('a send whose job comes before its chat’s older message’s', () => {
  it('waits for it and is claimed behind it, instead of being given up', async () => {
    const [older, newer] = await written('chat-order', 2);
    const claims = new BatchedClaims(database.db, 'claims', 100, 10);
    const late = claims.claim(newer ?? '');
    // The older message's job comes in a later turn, after the first claim statement ran.
    await nextTurn();
    await new Promise((r) => setTimeout(r, 20));
    const first = claimed(await claims.claim(older ?? ''));
    const second = claimed(await late);
    expect(first.row.id).toBe(older);
    expect(second.row.id).toBe(newer);
    // The newer one goes only once the older one went.
    let secondReady = false;
    void second.ready.then(() => {
      secondReady = true;
    });
    await nextTurn();
    expect(secondReady).toBe(false);
    first.pass(true);
    expect(await second.ready).toBe(true);
    first.release();
    second.release();
  });

  it('is given up when its elder does not come: the worker then sends it later', async () => {
    const [, newer] = await written('chat-alone', 2);
    const claims = new BatchedClaims(database.db, 'claims', 100, 10);
    expect(await claims.claim(newer ?? '')).toMatchObject({ unclaimed: true, paused: false, olderPending: 1 });
  });

  it('is given up at once when no room is left to wait in', async () => {
    const [, newer] = await written('chat-no-room', 2);
    const claims = new BatchedClaims(database.db, 'claims', 100, 0);
    expect(await claims.claim(newer ?? '')).toMatchObject({ unclaimed: true, olderPending: 1 });
  });
});

describe('a send on a paused chat line', () => {
  it('is not claimed and says the line is paused, while another chat of the same batch is claimed', async () => {
    const [head] = await written('chat-paused', 1);
    const [other] = await written('chat-open', 1);
    await database.db
      .insert(pausedLines)
      .values({ channel: 'claims', address: 'chat-paused', headMessageId: head ?? '', lastError: 'ditolak' });
    const claims = new BatchedClaims(database.db, 'claims', 100, 10);
    const [onPaused, onOpen] = await Promise.all([claims.claim(head ?? ''), claims.claim(other ?? '')]);
    expect(onPaused).toMatchObject({ unclaimed: true, paused: true, olderPending: 0 });
    const sent = claimed(onOpen);
    expect(sent.row.id).toBe(other);
    sent.release();
  });

  it('of another channel does not hold this channel’s chat of the same address', async () => {
    const [message] = await written('chat-same-address', 1);
    await database.db
      .insert(pausedLines)
      .values({ channel: 'elsewhere', address: 'chat-same-address', headMessageId: 'head-elsewhere' });
    const claims = new BatchedClaims(database.db, 'claims', 100, 10);
    const sent = claimed(await claims.claim(message ?? ''));
    expect(sent.row.id).toBe(message);
    sent.release();
  });
});

function claimed(result: ClaimResult): Claim {
  if (result === 'busy' || 'unclaimed' in result) throw new Error('the message must be claimed');
  return result;
}
