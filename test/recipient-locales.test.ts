import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { addOfficial } from '../src/db/officials.js';
import { cases, messages, stakeholders, units } from '../src/db/schema.js';
import { localesOf } from '../src/outbox/recipient-locales.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;

beforeAll(async () => {
  database = await freshDatabase();
  const db = database.db;
  await db.insert(units).values([
    { id: 'makassar', name: 'Biro Makassar', timeZone: 'Asia/Makassar' },
    { id: 'jayapura', name: 'Biro Jayapura', timeZone: 'Asia/Jayapura' },
  ]);
  const official = await addOfficial(db, { nip: '7', name: 'Staf', roleId: 'staf', unitId: 'makassar' });
  await db.execute(`update officials set language = 'en' where id = '${official}'`);
  await db.insert(stakeholders).values({ id: 'pelapor', name: 'Pelapor', language: 'en' });
  await db.insert(cases).values({
    id: 'kasus',
    ticket: 'LOC-1',
    sopId: 'uji',
    sopVersion: 1,
    unitId: 'jayapura',
    stakeholderId: 'pelapor',
    status: 'open',
    openedAt: new Date(),
    stepSeq: 0,
    path: [],
  });
  const message = (id: string, recipientKind: string, recipientId: string, caseId: string | null) => ({
    id,
    caseId,
    recipientKind,
    recipientId,
    template: 'flow.text',
    params: {},
    choices: [],
    status: 'pending' as const,
  });
  await db
    .insert(messages)
    .values([
      message('to-official', 'official', official, null),
      message('to-stakeholder', 'stakeholder', 'pelapor', 'kasus'),
      message('to-stakeholder-no-case', 'stakeholder', 'pelapor', null),
      message('to-admins', 'admins', 'makassar', null),
      message('to-nobody', 'official', 'no-such-official', null),
    ]);
});

afterAll(async () => {
  await database.close();
});

describe('the locales of messages rendered without a claim', () => {
  it('gives an official their language and their unit’s zone, a stakeholder theirs and their case’s unit’s, others the defaults', async () => {
    const ids = ['to-official', 'to-stakeholder', 'to-stakeholder-no-case', 'to-admins', 'to-nobody'];
    const locales = await localesOf(
      database.db,
      ids.map((id) => ({ id })),
      'WIB',
    );
    expect(locales).toEqual([
      { language: 'en', zone: 'Asia/Makassar' },
      { language: 'en', zone: 'Asia/Jayapura' },
      { language: 'en', zone: 'Asia/Jakarta' },
      { language: 'id', zone: 'Asia/Jakarta' },
      { language: 'id', zone: 'Asia/Jakarta' },
    ]);
  });
});
