import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../src/app.js';
import { SopRegistry } from '../src/cases/sop-registry.js';
import type { Database } from '../src/db/client.js';
import { cases, stakeholders } from '../src/db/schema.js';
import type { SopDefinition } from '../src/sop/definition.js';
import { buildWeb } from '../src/web/server.js';
import { eventually, testApp, testConfig } from './support/app.js';
import { signIn } from './support/console.js';
import { freshDatabase } from './support/postgres.js';

let database: Database;
let console1: App;
let chat2: App;
let web: FastifyInstance;
let sms: SopDefinition;

beforeAll(async () => {
  database = await freshDatabase();
  // Two processes of one deployment: one database, one Redis prefix. The fallback refresh is at
  // its longest, so only the notice can bring the new version within the test.
  const prefix = `siput-test-${randomUUID()}`;
  const config = testConfig({ SOP_REFRESH_SECONDS: '60' });
  console1 = await testApp(database, config, { queuePrefix: prefix });
  chat2 = await testApp(database, config, { queuePrefix: prefix, workers: false });
  web = await buildWeb(console1);
  const active = await chat2.sops.active('siput-sms');
  if (!active) throw new Error('siput-sms is not registered');
  sms = active;
  await database.db.insert(stakeholders).values({ id: 'p1', name: 'Pelapor', language: 'id' });
}, 60_000);

afterAll(async () => {
  await web?.close();
  await chat2?.close();
  await console1?.close();
  await database?.close();
});

const versionOf = async (caseId: string) =>
  (await database.db.select({ v: cases.sopVersion }).from(cases).where(eq(cases.id, caseId)))[0]?.v;

describe('an SOP version activated in one process', () => {
  it('is taken by the next case opened through another process, while its running case keeps its version', async () => {
    const { caseId: running } = await chat2.cases.submit({ sopId: 'siput-sms', unitId: 'ortala', stakeholderId: 'p1' });
    const next = { ...sms, version: sms.version + 1, title: `${sms.title} (revisi)` };
    await console1.sops.stage(next, 'admin:biro');
    const admin = await signIn(console1, web, 'biro');
    const activate = await web.inject({
      method: 'POST',
      url: `/admin/sop/siput-sms/${next.version}/activate`,
      headers: { cookie: admin.cookie },
      payload: { _csrf: admin.csrf },
    });
    expect(activate.statusCode).toBe(303);

    await eventually('the second process to take the new version', async () => {
      return (await chat2.sops.active('siput-sms'))?.version === next.version;
    });
    const { caseId: opened } = await chat2.cases.submit({ sopId: 'siput-sms', unitId: 'ortala', stakeholderId: 'p1' });
    expect(await versionOf(opened)).toBe(next.version);
    expect(await versionOf(running)).toBe(sms.version);
  });

  it('reaches a process that missed the notice once its refresh time has passed', async () => {
    let now = 0;
    const deaf = new SopRegistry(database.db, { refreshMs: 30_000, now: () => now });
    const before = (await deaf.active('siput-sms'))?.version ?? 0;
    const later = { ...sms, version: before + 1 };
    await console1.sops.stage(later, 'admin:biro');
    await console1.sops.activate('siput-sms', later.version, 'admin:biro');
    now = 29_000;
    expect((await deaf.active('siput-sms'))?.version).toBe(before);
    now = 30_000;
    expect((await deaf.active('siput-sms'))?.version).toBe(later.version);
  });
});
